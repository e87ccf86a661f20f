// Publishes closed sequences in order: merge each sink into a segment file, push it to deep
// storage, then ONE metadata transaction that publishes the segments with the sequence's end
// offsets after checking its start offsets (Druid's exactly-once rule). Afterwards each sink waits
// for a historical to serve its segment and drops its own copy in that same instant.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import type { Logger } from '../../cluster/logger.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../../cluster/segment-keys.js';
import type { SegmentInfo } from '../../segment-format/segment-metadata.js';
import type { HandoffWatcher } from './handoff-watcher.js';
import type { SegmentAllocator } from './segment-allocator.js';
import type { Sink } from './sink.js';
import type { StreamSequence } from './stream-sequence.js';
import { publishedSegmentRecord } from '../../cluster/published-segment-record.js';
import { assert } from '../../cluster/errors.js';

export interface PublisherDependencies {
  readonly store: MetadataStore & IngestionMetadataStore;
  readonly deepStorage: DeepStorage;
  readonly allocator: SegmentAllocator;
  readonly handoff: HandoffWatcher;
  /** Called after a publish commits (the all-in-one process runs the coordinator so handoff is prompt). */
  readonly onPublished?: (segments: readonly SegmentRecord[]) => Promise<void> | void;
  readonly log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface PublishOutcome {
  readonly segments: readonly SegmentRecord[];
  readonly rows: number;
}

export class SequencePublisher {
  private readonly handoffs = new Set<{ cancel: () => void; done: Promise<void> }>();

  constructor(
    private readonly supervisorId: string,
    private readonly workDir: string,
    private readonly handoffTimeoutMs: number,
    private readonly dependencies: PublisherDependencies,
  ) {}

  /** Publishes a closed sequence; throws (publishing nothing) on any failure, conflict included. */
  async publish(sequence: StreamSequence, isCancelled: () => boolean): Promise<PublishOutcome> {
    const sinks = [...sequence.sinks.values()].filter((sink) => sink.rowCount > 0);
    const records: SegmentRecord[] = [];
    for (const sink of sinks) {
      if (isCancelled()) return { segments: [], rows: 0 };
      records.push(await this.push(sink));
    }
    if (isCancelled()) return { segments: [], rows: 0 };
    // Registered before the commit, so a historical that loads the segment at once is not missed.
    const waits = sinks.map((sink) => this.awaitHandoff(sink));
    try {
      await this.dependencies.store.publishSegmentsWithOffsets(records, this.supervisorId, sequence.startOffsets, sequence.endOffsets!);
    } catch (error) {
      for (const wait of waits) wait.cancel();
      throw error;
    }
    for (const sink of sequence.sinks.values()) this.dependencies.allocator.release(sink.allocation);
    await Promise.resolve(this.dependencies.onPublished?.(records)).catch((error: unknown) => this.dependencies.log?.warn({ err: error }, 'post-publish hook failed'));
    return { segments: records, rows: sinks.reduce((total, sink) => total + sink.rowCount, 0) };
  }

  private async push(sink: Sink): Promise<SegmentRecord> {
    const path = join(this.workDir, `publish-${sink.allocation.interval.startMs}-${sink.allocation.partition}.segment`);
    try {
      const { info, sizeBytes } = await sink.merge(path);
      const key = deepStorageKeyOf(info);
      await this.dependencies.deepStorage.push(path, key);
      const record = publishedSegmentRecord(info, key, sizeBytes);
      assert(record.id === sink.id, `merged segment ${record.id} is the segment allocated as ${sink.id}`);
      return record;
    } finally {
      await rm(path, { force: true });
    }
  }

  /** Withdraws the sink when a historical serves its segment (or after the handoff timeout), then deletes its files. */
  private awaitHandoff(sink: Sink): { cancel: () => void } {
    let settle: () => void = () => undefined;
    const entry = { cancel: () => undefined as void, done: new Promise<void>((resolve) => (settle = resolve)) };
    let timer: NodeJS.Timeout | null = null;
    let cancelWait: () => void = () => undefined;
    let finished = false;
    const end = (): void => {
      finished = true;
      if (timer !== null) clearTimeout(timer);
      cancelWait();
      this.handoffs.delete(entry);
    };
    const finish = (): void => {
      if (finished) return;
      end();
      sink.withdraw();
      void sink.drop().finally(settle);
    };
    entry.cancel = () => {
      if (finished) return;
      end();
      settle();
    };
    this.handoffs.add(entry);
    timer = setTimeout(() => {
      this.dependencies.log?.warn({ segment: sink.id }, 'handoff timed out; dropping the realtime copy');
      finish();
    }, this.handoffTimeoutMs);
    timer.unref();
    cancelWait = this.dependencies.handoff.whenServed(sink.id, finish);
    if (finished) cancelWait();
    return entry;
  }

  /** Handoffs still waiting for a historical. */
  get pendingHandoffs(): number {
    return this.handoffs.size;
  }

  /** Waits for pending handoffs, at most `timeoutMs`. */
  async awaitHandoffs(timeoutMs: number): Promise<void> {
    const all = Promise.all([...this.handoffs].map((entry) => entry.done));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  /** Stops waiting for handoffs; the sinks are the caller's to drop. */
  cancelHandoffs(): void {
    for (const entry of [...this.handoffs]) entry.cancel();
  }
}
