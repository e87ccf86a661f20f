// The queryable pieces of realtime sinks, and announcements of them. The all-in-one process adds
// every announced piece to the broker's timeline and reads pieces through get(); a cluster's
// announcer would publish the same records to discovery. A piece's segment may change under the same
// id (a growing index becomes a persisted file), so get() is asked again for every query.
import { EventEmitter } from 'node:events';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { QueryableSegment } from '../../query/queryable-segment.js';

interface RealtimeSegmentsEvents {
  added: [record: SegmentRecord];
  removed: [record: SegmentRecord];
}

interface Announced {
  readonly record: SegmentRecord;
  readonly segment: () => QueryableSegment;
}

export class RealtimeSegments extends EventEmitter<RealtimeSegmentsEvents> {
  private readonly announced = new Map<string, Announced>();

  /** Announces (or re-announces, replacing) a piece; `segment` gives its current queryable rows. Emits 'added'. */
  announce(record: SegmentRecord, segment: () => QueryableSegment): void {
    this.announced.set(record.id, { record, segment });
    this.emit('added', record);
  }

  /** Withdraws a piece; emits 'removed'. Unknown ids are a no-op. */
  unannounce(segmentId: string): void {
    const announced = this.announced.get(segmentId);
    if (announced === undefined) return;
    this.announced.delete(segmentId);
    this.emit('removed', announced.record);
  }

  /** The piece's rows as of now (a consistent snapshot for one query), or undefined when not announced. */
  get(segmentId: string): QueryableSegment | undefined {
    return this.announced.get(segmentId)?.segment();
  }

  /** Every announced piece's record. */
  records(): SegmentRecord[] {
    return [...this.announced.values()].map((announced) => announced.record);
  }
}
