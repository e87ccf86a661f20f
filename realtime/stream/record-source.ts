// The RecordSource seam: where a realtime task's records come from. Implemented by kafkajs
// (realtime/kafka/kafka-record-source.ts) and by an in-process topic (the quickstart's live feed).
// Offsets are the source of truth of the metadata store, not of the source: a task tells the source
// exactly where to start each partition and tracks positions itself.

/** One record of a partition. */
export interface StreamRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** The record's timestamp (Kafka's CreateTime or LogAppendTime), ms since the epoch. */
  readonly timestampMs: number;
  readonly headers: Readonly<Record<string, Buffer | string | undefined>>;
}

/** Records of one partition in offset order. */
export interface StreamBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly StreamRecord[];
}

export interface PartitionOffsetRange {
  /** First offset still stored (Kafka's log start offset; retention moves it forward). */
  readonly earliest: number;
  /** Offset the next produced record will get (Kafka's high watermark). */
  readonly latest: number;
}

/** Called per batch; the source delivers the next batch of any partition only after it resolves. */
export type BatchHandler = (batch: StreamBatch) => Promise<void>;

/** Called when the source can deliver no more (a broken connection it gave up on, an unsupported codec). */
export type SourceErrorHandler = (error: Error) => void;

export interface RecordSource {
  /** The partitions of the source's topics now, as "topic:partition" keys, sorted. */
  partitions(): Promise<string[]>;
  /** Earliest and latest offsets of the given partitions. */
  offsetRanges(partitionKeys: readonly string[]): Promise<Map<string, PartitionOffsetRange>>;
  /**
   * Starts delivering records of exactly the given partitions, each from its given offset. Records
   * before a start offset are never delivered. Resolves once consumption is under way.
   */
  start(startOffsets: ReadonlyMap<string, number>, onBatch: BatchHandler, onError: SourceErrorHandler): Promise<void>;
  /** Stops delivering (a batch in progress finishes) and releases connections. Idempotent. */
  stop(): Promise<void>;
}

/** "topic:partition" — the key StreamOffsets use. */
export function partitionKeyOf(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** Splits a "topic:partition" key; topics may contain ':' only before the last one. */
export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const split = key.lastIndexOf(':');
  return { topic: key.slice(0, split), partition: Number(key.slice(split + 1)) };
}
