// The shared shape of single-column filters: a column name plus a value predicate. Subclasses (one per
// Druid filter type) only parse their operands into a predicate.
import type { QueryableSegment } from '../queryable-segment.js';
import type { RoaringBitmap32 } from 'roaring';
import { evaluateColumnPredicate, scansColumnRows } from './column-predicate.js';
import type { Filter, FilterResult, RowValueGetter } from './filter.js';
import { matchRowValue } from './row-value-match.js';
import type { ValuePredicate } from './value-predicate.js';

export abstract class PredicateFilter implements Filter {
  abstract readonly type: string;

  protected constructor(
    /** The filtered column (Druid's `dimension` or `column`). */
    readonly column: string,
    /** The per-value test. */
    readonly predicate: ValuePredicate,
  ) {}

  requiredColumns(): readonly string[] {
    return [this.column];
  }

  scansRows(segment: QueryableSegment): boolean {
    return scansColumnRows(segment, this.column);
  }

  evaluate(segment: QueryableSegment, within?: RoaringBitmap32): FilterResult {
    return evaluateColumnPredicate(segment, this.column, this.predicate, within);
  }

  matchesRow(get: RowValueGetter): boolean | null {
    return matchRowValue(get(this.column), this.predicate);
  }
}
