// dataSourceMetadata: the largest __time of any segment (the last row, since time is sorted).
import type { SegmentSlice } from '../../segment-slice.js';
import { formatTimestamp } from '../../time-format.js';
import { checkDeadline } from '../deadline.js';

export interface DataSourceMetadataPartial {
  readonly queryType: 'dataSourceMetadata';
  /** Null when no segment had rows. */
  readonly maxIngestedEventTimeMs: number | null;
}

export function runDataSourceMetadataSegment(slice: SegmentSlice, deadlineMs: number): DataSourceMetadataPartial {
  checkDeadline(deadlineMs);
  const time = slice.segment.time();
  return { queryType: 'dataSourceMetadata', maxIngestedEventTimeMs: time.length === 0 ? null : time[time.length - 1]! };
}

export function mergeDataSourceMetadataPartials(left: DataSourceMetadataPartial, right: DataSourceMetadataPartial): DataSourceMetadataPartial {
  if (left.maxIngestedEventTimeMs === null) return right;
  if (right.maxIngestedEventTimeMs === null) return left;
  return { queryType: 'dataSourceMetadata', maxIngestedEventTimeMs: Math.max(left.maxIngestedEventTimeMs, right.maxIngestedEventTimeMs) };
}

export function finalizeDataSourceMetadata(merged: DataSourceMetadataPartial | null): unknown[] {
  if (merged === null || merged.maxIngestedEventTimeMs === null) return [];
  const timestamp = formatTimestamp(merged.maxIngestedEventTimeMs);
  return [{ timestamp, result: { maxIngestedEventTime: timestamp } }];
}
