// The rows a query keeps: the TRUE rows of its filter (FALSE and UNKNOWN rows are both dropped).
import type { RoaringBitmap32 } from 'roaring';
import type { QueryableSegment } from '../queryable-segment.js';
import type { Filter } from './filter.js';
import { allRows } from './three-valued.js';

/** TRUE rows of the filter on the segment; a null filter keeps rows 0..rowCount-1. The caller owns the bitmap. */
export function filterRows(filter: Filter | null, segment: QueryableSegment): RoaringBitmap32 {
  if (filter === null) return allRows(segment.rowCount);
  return filter.evaluate(segment).matches;
}
