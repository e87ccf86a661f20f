// The Filter seam. Every filter type (selector, equals, null, in, bound, range, like, regex,
// search, interval, and, or, not, true, false, expression-free) implements this interface in its own
// file beside this one, and parse-filter.ts turns Druid filter JSON into these objects.
import type { RoaringBitmap32 } from 'roaring';
import type { QueryableSegment } from '../queryable-segment.js';

/**
 * Result of a filter on one segment, in three-valued logic (Druid's SQL-compatible null handling):
 * rows in `matches` are TRUE, rows in `unknown` are UNKNOWN (a comparison involving null), every
 * other row is FALSE. The two bitmaps are disjoint. `not` turns FALSE into TRUE and keeps UNKNOWN.
 * Callers own the returned bitmaps and may mutate them.
 */
export interface FilterResult {
  readonly matches: RoaringBitmap32;
  readonly unknown: RoaringBitmap32;
}

/** A value lookup for evaluating a filter against one result row (groupBy `having` of type filter). */
export type RowValueGetter = (column: string) => unknown;

export interface Filter {
  readonly type: string;
  /** Columns the filter reads (so a reader can preload them). */
  requiredColumns(): readonly string[];
  /** Evaluate over all rows of the segment. A missing column is all-null. */
  evaluate(segment: QueryableSegment): FilterResult;
  /** Evaluate against a single row of values; true/false/null (unknown). */
  matchesRow(get: RowValueGetter): boolean | null;
}
