// The segments a historical serves, and the announcements of changes to them. Listeners (in-process
// today, a ZooKeeper announcer later) hear 'added' once a segment is queryable and 'removed' before
// it is closed, so a broker stops routing queries to a segment before it goes away.
import { EventEmitter } from 'node:events';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import type { SegmentCache } from './segment-cache.js';

export interface ServedSegment {
  readonly record: SegmentRecord;
  readonly segment: QueryableSegment;
}

interface SegmentManagerEvents {
  added: [record: SegmentRecord];
  removed: [record: SegmentRecord];
}

export class SegmentManager extends EventEmitter<SegmentManagerEvents> {
  private readonly servedById = new Map<string, ServedSegment>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(private readonly cache: SegmentCache) {
    super();
  }

  /** Load (from the cache, else deep storage) and serve the segment; emits 'added' once. */
  async load(record: SegmentRecord): Promise<void> {
    if (this.servedById.has(record.id)) return;
    let pending = this.loading.get(record.id);
    if (pending === undefined) {
      pending = this.serve(record).finally(() => this.loading.delete(record.id));
      this.loading.set(record.id, pending);
    }
    await pending;
  }

  private async serve(record: SegmentRecord): Promise<void> {
    const segment = await this.cache.load(record);
    this.servedById.set(record.id, { record, segment });
    this.emit('added', record);
  }

  /** Stop serving the segment and delete its cached file; emits 'removed'. Unknown ids are a no-op. */
  async drop(segmentId: string): Promise<void> {
    // A drop during a load waits for it, so the segment cannot be announced after its file is gone.
    await this.loading.get(segmentId)?.catch(() => undefined);
    const served = this.servedById.get(segmentId);
    if (served !== undefined) {
      this.servedById.delete(segmentId);
      this.emit('removed', served.record);
    }
    await this.cache.drop(segmentId);
  }

  /** Served segments in load order. */
  served(): ServedSegment[] {
    return [...this.servedById.values()];
  }

  /** The served segment with this id, if any. */
  get(segmentId: string): QueryableSegment | undefined {
    return this.servedById.get(segmentId)?.segment;
  }

  /** Ids of segments whose files are cached here but which are not served (e.g. left from a previous run). */
  cachedButNotServed(): string[] {
    return this.cache.cachedIds().filter((id) => !this.servedById.has(id));
  }

  /** Records of cached files not served, so they can be served again without a download. */
  cachedRecordsNotServed(): SegmentRecord[] {
    return this.cache.cachedRecords().filter((record) => !this.servedById.has(record.id));
  }

  /** Bytes this historical may hold. */
  get maxSizeBytes(): number {
    return this.cache.capacityBytes;
  }

  /** Bytes of segment files it holds. */
  sizeBytes(): number {
    return this.cache.sizeBytes();
  }

  /** Ids of segments being loaded now. */
  loadingIds(): string[] {
    return [...this.loading.keys()];
  }

  /** Stop serving everything (emitting 'removed') and close the files, keeping them cached for the next start. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.loading.values()]);
    const served = [...this.servedById.values()];
    this.servedById.clear();
    for (const { record } of served) this.emit('removed', record);
    await this.cache.close();
  }
}
