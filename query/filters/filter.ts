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
  /**
   * Evaluate over the rows of the segment. A missing column is all-null. When `within` is given, only
   * the rows in it need a correct result: rows outside may be reported as anything, and the caller
   * intersects (every logical operator is row-wise, so `and`, `or` and `not` keep this contract).
   * Filters that scan rows use it to scan fewer; the others may ignore it.
   */
  evaluate(segment: QueryableSegment, within?: RoaringBitmap32): FilterResult;
  /**
   * True when evaluating reads the rows one by one (a numeric column, a column comparison) rather than
   * the dictionary and bitmap index or the sorted time column; `and` evaluates such children last,
   * within the rows its other children left. Absent means false.
   */
  scansRows?(segment: QueryableSegment): boolean;
  /** Evaluate against a single row of values; true/false/null (unknown). */
  matchesRow(get: RowValueGetter): boolean | null;
}
