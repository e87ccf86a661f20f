// An in-process partitioned stream implementing the RecordSource seam: the quickstart's live feed
// runs through the same realtime path as Kafka without a Kafka. Each partition keeps its newest
// `retentionRecords` records; older offsets are deleted, as Kafka's retention would.
import { EventEmitter } from 'node:events';
import { SedimentError } from '../../cluster/errors.js';
import { parsePartitionKey, partitionKeyOf, type BatchHandler, type PartitionOffsetRange, type RecordSource, type StreamRecord } from './record-source.js';

const BATCH_RECORDS_MAX = 5_000;

interface PartitionLog {
  /** Offset of records[0]. */
  earliest: number;
  records: StreamRecord[];
}

export class InProcessStream {
  private readonly logs: PartitionLog[];
  private readonly appended = new EventEmitter();

  constructor(
    readonly topic: string,
    partitionCount: number,
    private readonly retentionRecords = 1_000_000,
  ) {
    this.logs = Array.from({ length: partitionCount }, () => ({ earliest: 0, records: [] }));
    this.appended.setMaxListeners(0);
  }

  get partitionCount(): number {
    return this.logs.length;
  }

  /** Appends a record; returns its offset. */
  append(partition: number, value: Buffer | string, options: { key?: Buffer | null; timestampMs?: number } = {}): number {
    const log = this.logs[partition];
    if (log === undefined) throw new SedimentError('invalid_input', `partition ${partition} does not exist in '${this.topic}'`);
    const offset = log.earliest + log.records.length;
    log.records.push({ offset, key: options.key ?? null, value: typeof value === 'string' ? Buffer.from(value) : value, timestampMs: options.timestampMs ?? Date.now(), headers: {} });
    if (log.records.length > this.retentionRecords * 1.25) {
      const drop = log.records.length - this.retentionRecords;
      log.records.splice(0, drop);
      log.earliest += drop;
    }
    this.appended.emit('append');
    return offset;
  }

  range(partition: number): PartitionOffsetRange {
    const log = this.logs[partition]!;
    return { earliest: log.earliest, latest: log.earliest + log.records.length };
  }

  /** Records of a partition from `offset` (or the earliest kept), at most `limit`. */
  read(partition: number, offset: number, limit: number): StreamRecord[] {
    const log = this.logs[partition]!;
    const start = Math.max(0, offset - log.earliest);
    return log.records.slice(start, start + limit);
  }

  /** Resolves on the next append or after `timeoutMs`. */
  waitForAppend(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off('append', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.appended.once('append', done);
    });
  }

  /** A record source over this stream (one per task incarnation). */
  source(): RecordSource {
    return new InProcessRecordSource(this);
  }
}

class InProcessRecordSource implements RecordSource {
  private running = false;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly stream: InProcessStream) {}

  async partitions(): Promise<string[]> {
    return Array.from({ length: this.stream.partitionCount }, (_, partition) => partitionKeyOf(this.stream.topic, partition));
  }

  async offsetRanges(partitionKeys: readonly string[]): Promise<Map<string, PartitionOffsetRange>> {
    const ranges = new Map<string, PartitionOffsetRange>();
    for (const key of partitionKeys) {
      const { topic, partition } = parsePartitionKey(key);
      if (topic === this.stream.topic && partition < this.stream.partitionCount) ranges.set(key, this.stream.range(partition));
    }
    return ranges;
  }

  async start(startOffsets: ReadonlyMap<string, number>, onBatch: BatchHandler): Promise<void> {
    const positions = [...startOffsets].map(([key, offset]) => ({ partition: parsePartitionKey(key).partition, offset }));
    if (this.stopped) return;
    this.running = true;
    this.loop = this.deliver(positions, onBatch);
  }

  private async deliver(positions: { partition: number; offset: number }[], onBatch: BatchHandler): Promise<void> {
    while (this.running) {
      let delivered = false;
      for (const position of positions) {
        const records = this.stream.read(position.partition, position.offset, BATCH_RECORDS_MAX);
        if (records.length === 0 || !this.running) continue;
        delivered = true;
        await onBatch({ topic: this.stream.topic, partition: position.partition, records });
        position.offset = records[records.length - 1]!.offset + 1;
      }
      if (!delivered) await this.stream.waitForAppend(100);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    await this.loop;
  }
}
