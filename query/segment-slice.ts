// What one segment contributes to one query: the segment plus the parts of its time range the query
// may read (query intervals ∩ the timeline's visible, non-overshadowed part of the segment).
import type { QueryableSegment } from './queryable-segment.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

export interface SegmentSlice {
  /** The segment to read. */
  readonly segment: QueryableSegment;
  /** Visible portions of the segment for this query: sorted, non-overlapping, half-open. */
  readonly intervals: readonly TimeInterval[];
}
