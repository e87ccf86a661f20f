// The coordinator's copy of the used segments, kept current incrementally: the first poll reads
// every used segment, later polls only the segments whose used status changed since the previous
// poll started (minus a margin, because a transaction stamped before a poll may commit after it).
// A full read every `fullPollEveryMs` repairs anything missed.
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';

/** The incremental read both metadata stores offer beyond the MetadataStore seam. */
interface ChangedSince {
  segmentsChangedSince(sinceMs: number): Promise<SegmentRecord[]>;
}

const marginMs = 60_000;
const fullPollEveryMs = 15 * 60_000;

export class UsedSegmentPoller {
  private readonly used = new Map<string, SegmentRecord>();
  private lastPollStartMs: number | null = null;
  private lastFullPollMs = 0;

  constructor(private readonly store: MetadataStore) {}

  /** The used segments now; rejects when the store does (the copy is then left as it was). */
  async poll(nowMs = Date.now()): Promise<ReadonlyMap<string, SegmentRecord>> {
    const incremental = this.store as Partial<ChangedSince>;
    if (this.lastPollStartMs === null || typeof incremental.segmentsChangedSince !== 'function' || nowMs - this.lastFullPollMs > fullPollEveryMs) {
      const all = await this.store.usedSegments();
      this.used.clear();
      for (const record of all) this.used.set(record.id, record);
      this.lastFullPollMs = nowMs;
    } else {
      const changed = await incremental.segmentsChangedSince.call(this.store, this.lastPollStartMs - marginMs);
      for (const record of changed) {
        if (record.used) this.used.set(record.id, record);
        else this.used.delete(record.id);
      }
    }
    this.lastPollStartMs = nowMs;
    return this.used;
  }

  /** Segments this coordinator itself marked unused leave the copy at once. */
  forget(segmentIds: Iterable<string>): void {
    for (const id of segmentIds) this.used.delete(id);
  }
}
