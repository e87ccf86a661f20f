// A realtime task: consumes its partitions from a RecordSource starting exactly at the offsets the
// metadata store committed, parses and indexes rows into queryable sinks, persists them to disk to
// bound memory, and closes a sequence (taskDuration, maxRowsPerSegment, the end of a live time
// chunk) to publish it in the background while reading continues into the next one. A restarted
// task re-reads everything after the committed offsets, so nothing unpublished is ever trusted from
// disk: no row is lost and none is counted twice.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamOffsets } from '../../cluster/ingestion-metadata-store.js';
import { InputRowParser } from '../input-row.js';
import { indexSchemaOf } from '../index-schema-of.js';
import type { IndexSchema } from '../incremental-index.js';
import { RowStats } from '../row-stats.js';
import { OffsetsUnavailableError } from './offsets-unavailable-error.js';
import { partitionKeyOf, type RecordSource, type StreamBatch, type StreamRecord } from './record-source.js';
import { SequencePublisher, type PublisherDependencies } from './sequence-publisher.js';
import { Sink } from './sink.js';
import { decodeStreamRecord, type DecodedRecordSink } from './stream-input-format.js';
import { newSequence, rowsInMemoryOf, type StreamSequence } from './stream-sequence.js';
import type { RealtimeSegments } from './realtime-segments.js';
import type { SupervisorSpec } from './supervisor-spec.js';
import { resolveStartOffsets } from './start-offsets.js';

export interface RealtimeTaskDependencies extends PublisherDependencies {
  readonly announcer: RealtimeSegments;
  /** Root of realtime work directories; a task owns `{workDir}/{taskDirName}`. */
  readonly workDir: string;
  /** A growing index's query snapshot is rebuilt at most this often (default 100 ms). */
  readonly snapshotMaxAgeMs?: number;
}

export interface RealtimeTaskOptions {
  readonly id: string;
  /** Directory name under workDir, stable across restarts so a restart clears its predecessor's files. */
  readonly dirName: string;
  readonly spec: SupervisorSpec;
  readonly partitionKeys: readonly string[];
  readonly source: RecordSource;
}

export type RealtimeTaskState = 'STARTING' | 'READING' | 'STOPPING' | 'STOPPED' | 'FAILED';

export interface RealtimeTaskStatus {
  readonly id: string;
  readonly state: RealtimeTaskState;
  readonly partitions: readonly string[];
  readonly startTimeMs: number;
  /** Offsets the current sequence started at. */
  readonly startingOffsets: StreamOffsets;
  /** Next offset to read per partition. */
  readonly currentOffsets: StreamOffsets;
  readonly rowStats: { processed: number; processedWithError: number; unparseable: number; thrownAway: number };
  /** Recent parse-exception messages (bounded). */
  readonly parseErrors: readonly string[];
  /** Sequences closed and being published. */
  readonly publishing: number;
  readonly segmentsPublished: number;
  readonly pendingHandoffs: number;
  /** Why the task failed; null while healthy. */
  readonly errorMessage: string | null;
  /** True when it failed because the stream no longer holds its offsets (only a reset helps). */
  readonly offsetsUnavailable: boolean;
}

const TICK_MS = 200;

export class RealtimeTask {
  private state: RealtimeTaskState = 'STARTING';
  private sequence: StreamSequence = newSequence(0, {}, Date.now());
  private readonly current = new Map<string, number>();
  private readonly publishing = new Set<StreamSequence>();
  private lock: Promise<unknown> = Promise.resolve();
  private publishChain: Promise<void> = Promise.resolve();
  private readonly stats: RowStats;
  private readonly parser: InputRowParser;
  private readonly schema: IndexSchema;
  private readonly publisher: SequencePublisher;
  private readonly decoded: Record<string, unknown>[] = [];
  private readonly decodeSink: DecodedRecordSink;
  private location = '';
  private timer: NodeJS.Timeout | null = null;
  private lastPersistMs = Date.now();
  private readonly startTimeMs = Date.now();
  private segmentsPublished = 0;
  private failure: { message: string; offsetsUnavailable: boolean } | null = null;
  private halted = false;
  private stopping: Promise<void> | null = null;
  private graceful: Promise<void> | null = null;
  private lastSink: Sink | null = null;
  private lastSinkStartMs = 0;
  private lastSinkEndMs = 0;
  private readonly taskDir: string;
  private markStopped: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  constructor(
    private readonly options: RealtimeTaskOptions,
    private readonly dependencies: RealtimeTaskDependencies,
  ) {
    const { spec } = options;
    this.stats = new RowStats(spec.tuningConfig.maxParseExceptions, spec.tuningConfig.maxSavedParseExceptions);
    this.parser = new InputRowParser(spec.dataSchema);
    this.schema = indexSchemaOf(spec.dataSchema);
    this.taskDir = join(dependencies.workDir, options.dirName);
    this.publisher = new SequencePublisher(spec.id, this.taskDir, spec.tuningConfig.handoffConditionTimeoutMs, dependencies);
    this.decodeSink = {
      row: (fields) => void this.decoded.push(fields),
      unparseable: (message) => this.stats.unparseable(this.location, message),
    };
  }

  get id(): string {
    return this.options.id;
  }

  /** Resolves once reading has started; on failure the task is FAILED (see status) and this rejects. */
  async start(): Promise<void> {
    try {
      await rm(this.taskDir, { recursive: true, force: true });
      await mkdir(this.taskDir, { recursive: true });
      const { store } = this.dependencies;
      const start = await resolveStartOffsets(this.options.source, this.options.partitionKeys, await store.committedOffsets(this.options.spec.id), this.options.spec.ioConfig.useEarliestOffset);
      for (const [key, offset] of start) this.current.set(key, offset);
      this.sequence = newSequence(0, Object.fromEntries(start), Date.now());
      if (this.halted) return;
      await this.options.source.start(start, (batch) => this.serialize(() => this.readBatch(batch)), (error) => this.fail(error));
      // A stop that raced the start found nothing to stop yet.
      if (this.halted) return void (await this.options.source.stop());
      this.state = 'READING';
      this.timer = setInterval(() => void this.serialize(() => this.tick()), TICK_MS);
      this.timer.unref();
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** Runs `work` after all earlier work: batches, ticks and checkpoints never interleave. */
  private serialize(work: () => Promise<void>): Promise<void> {
    const next = this.lock.then(async () => {
      if (this.halted) return;
      try {
        await work();
      } catch (error) {
        this.fail(error);
      }
    });
    this.lock = next;
    return next;
  }

  private async readBatch(batch: StreamBatch): Promise<void> {
    const key = partitionKeyOf(batch.topic, batch.partition);
    const expected = this.current.get(key);
    if (expected === undefined) return;
    const records = batch.records;
    let first = 0;
    while (first < records.length && records[first]!.offset < expected) first++;
    if (first === records.length) return;
    if (records[first]!.offset > expected) await this.checkGap(key, expected);
    for (let index = first; index < records.length; index++) {
      const record = records[index]!;
      await this.readRecord(batch.topic, batch.partition, record);
      this.current.set(key, record.offset + 1);
    }
    this.sequence.touched = true;
    await this.afterBatch();
  }

  /** A jump past the expected offset is fine (transaction markers, compaction) unless the offsets were deleted. */
  private async checkGap(key: string, expected: number): Promise<void> {
    const range = (await this.options.source.offsetRanges([key])).get(key);
    if (range !== undefined && expected < range.earliest) {
      throw new OffsetsUnavailableError(`partition ${key}: offset ${expected} is no longer in the stream (earliest is ${range.earliest}; retention deleted it)`);
    }
  }

  /** Parses and indexes one record; awaits only when a new time chunk needs a segment allocated. */
  private async readRecord(topic: string, partition: number, record: StreamRecord): Promise<void> {
    this.location = `${topic}:${partition}, offset ${record.offset}`;
    this.decoded.length = 0;
    decodeStreamRecord(record, topic, this.options.spec.ioConfig.inputFormat, this.decodeSink);
    const { parser, stats, sequence } = this;
    for (let index = 0; index < this.decoded.length; index++) {
      const outcome = parser.parse(this.decoded[index]!);
      if (outcome === 'unparseable') {
        stats.unparseable(this.location, parser.error);
        continue;
      }
      if (outcome === 'thrownAway' || this.rejectedByTime(parser.timestampMs, sequence)) {
        stats.thrownAway();
        continue;
      }
      const sink = this.sinkFor(parser.timestampMs) ?? (await this.openSink(parser.timestampMs));
      const error = sink.add(parser);
      if (error === null) stats.processed();
      else stats.processedWithError(this.location, error);
    }
  }

  private rejectedByTime(timeMs: number, sequence: StreamSequence): boolean {
    const { lateMessageRejectionPeriodMs: late, earlyMessageRejectionPeriodMs: early, taskDurationMs } = this.options.spec.ioConfig;
    if (late !== null && timeMs < sequence.startedMs - late) return true;
    return early !== null && timeMs >= sequence.startedMs + taskDurationMs + early;
  }

  private sinkFor(timeMs: number): Sink | null {
    if (timeMs >= this.lastSinkStartMs && timeMs < this.lastSinkEndMs) return this.lastSink;
    const granularity = this.options.spec.dataSchema.segmentGranularity;
    const startMs = granularity.bucketStart(timeMs);
    const sink = this.sequence.sinks.get(startMs);
    if (sink === undefined) return null;
    this.lastSink = sink;
    this.lastSinkStartMs = startMs;
    this.lastSinkEndMs = granularity.next(startMs);
    return sink;
  }

  private async openSink(timeMs: number): Promise<Sink> {
    const { dataSchema } = this.options.spec;
    const startMs = dataSchema.segmentGranularity.bucketStart(timeMs);
    const interval = { startMs, endMs: dataSchema.segmentGranularity.next(startMs) };
    const allocation = await this.dependencies.allocator.allocate(dataSchema.dataSource, interval);
    const sink = new Sink({
      allocation,
      schema: this.schema,
      rollup: dataSchema.rollup,
      queryGranularity: dataSchema.queryGranularity.json,
      dir: join(this.taskDir, `sequence-${this.sequence.number}`, `${startMs}-${allocation.partition}`),
      announcer: this.dependencies.announcer,
      snapshotMaxAgeMs: this.dependencies.snapshotMaxAgeMs ?? 100,
    });
    this.sequence.sinks.set(startMs, sink);
    if (interval.endMs > this.sequence.startedMs) this.sequence.liveChunkEndsMs.push(interval.endMs);
    return this.sinkFor(timeMs)!;
  }

  private async afterBatch(): Promise<void> {
    const { tuningConfig } = this.options.spec;
    if (rowsInMemoryOf(this.sequence) >= tuningConfig.maxRowsInMemory) await this.persistAll();
    for (const sink of this.sequence.sinks.values()) {
      if (sink.rowCount >= tuningConfig.maxRowsPerSegment) return this.checkpoint();
    }
  }

  private async tick(): Promise<void> {
    const nowMs = Date.now();
    const { ioConfig, tuningConfig } = this.options.spec;
    if (nowMs - this.lastPersistMs >= tuningConfig.intermediatePersistPeriodMs) await this.persistAll();
    const sequence = this.sequence;
    if (nowMs - sequence.startedMs >= ioConfig.taskDurationMs || sequence.liveChunkEndsMs.some((endMs) => nowMs >= endMs)) this.checkpoint();
  }

  /** Persists every growing index; waits for the writes so memory stays bounded. */
  private async persistAll(): Promise<void> {
    this.lastPersistMs = Date.now();
    await Promise.all([...this.sequence.sinks.values()].map((sink) => sink.persist()));
  }

  /** Closes the current sequence at the current offsets and queues its publish; reading goes on. */
  private checkpoint(): void {
    const closed = this.sequence;
    const endOffsets = Object.fromEntries(this.current);
    this.sequence = newSequence(closed.number + 1, endOffsets, Date.now());
    this.lastSink = null;
    this.lastSinkEndMs = this.lastSinkStartMs = 0;
    if (!closed.touched) return;
    closed.endOffsets = endOffsets;
    this.publishing.add(closed);
    this.publishChain = this.publishChain.then(() => this.publishSequence(closed));
  }

  private async publishSequence(sequence: StreamSequence): Promise<void> {
    if (this.halted) return;
    try {
      const outcome = await this.publisher.publish(sequence, () => this.halted);
      this.publishing.delete(sequence);
      this.segmentsPublished += outcome.segments.length;
      this.dependencies.log?.info({ task: this.id, segments: outcome.segments.length, rows: outcome.rows, endOffsets: sequence.endOffsets }, 'published');
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== null || this.state === 'STOPPED') return;
    const message = error instanceof Error ? error.message : String(error);
    this.failure = { message, offsetsUnavailable: error instanceof OffsetsUnavailableError };
    this.dependencies.log?.error({ task: this.id, err: error }, 'realtime task failed');
    void this.halt('FAILED');
  }

  /**
   * Stops reading. With `publish`, the rows read so far are published first (suspend, terminate);
   * without, they are dropped and will be read again after a restart (process shutdown).
   */
  stop(options: { publish: boolean }): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    if (this.graceful !== null) return this.graceful.then(() => this.halt('STOPPED'));
    if (!options.publish || this.state === 'STARTING') return this.halt('STOPPED');
    this.graceful = (async () => {
      this.state = 'STOPPING';
      await this.options.source.stop();
      await this.serialize(async () => this.checkpoint());
      await this.publishChain;
    })();
    return this.graceful.then(() => this.halt(this.failure === null ? 'STOPPED' : 'FAILED'));
  }

  /** Stops everything now; unpublished sinks are withdrawn and deleted. */
  private halt(state: 'STOPPED' | 'FAILED'): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.halted = true;
    this.stopping = (async () => {
      if (this.timer !== null) clearInterval(this.timer);
      await this.options.source.stop().catch(() => undefined);
      await this.lock.catch(() => undefined);
      await this.publishChain.catch(() => undefined);
      for (const sequence of [this.sequence, ...this.publishing]) {
        for (const sink of sequence.sinks.values()) {
          this.dependencies.allocator.release(sink.allocation);
          await sink.drop();
        }
      }
      this.publishing.clear();
      this.state = state;
      this.markStopped();
    })();
    return this.stopping;
  }

  /** Process shutdown: stop without publishing and stop waiting for handoffs. */
  async close(): Promise<void> {
    await this.halt(this.failure === null ? 'STOPPED' : 'FAILED');
    this.publisher.cancelHandoffs();
  }

  /** Resolves when the task has stopped (failed or stopped); never rejects. */
  whenStopped(): Promise<void> {
    return this.stopped;
  }

  status(): RealtimeTaskStatus {
    const counts = this.stats.counts;
    return {
      id: this.id,
      state: this.state,
      partitions: this.options.partitionKeys,
      startTimeMs: this.startTimeMs,
      startingOffsets: this.sequence.startOffsets,
      currentOffsets: Object.fromEntries(this.current),
      rowStats: { processed: counts.processed, processedWithError: counts.processedWithError, unparseable: counts.unparseable, thrownAway: counts.thrownAway },
      parseErrors: [...this.stats.messages],
      publishing: this.publishing.size,
      segmentsPublished: this.segmentsPublished,
      pendingHandoffs: this.publisher.pendingHandoffs,
      errorMessage: this.failure?.message ?? null,
      offsetsUnavailable: this.failure?.offsetsUnavailable ?? false,
    };
  }
}
