// Druid `interval`: the column (normally __time, or any column of millisecond values) lies in one of
// the ISO-8601 intervals, each start-inclusive and end-exclusive. On __time this is a binary search.
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { condenseIntervals, parseInterval } from '../intervals.js';
import { invalidInput } from '../../cluster/errors.js';
import { parseDecimal } from './filter-values.js';
import { rejectExtractionFn, requireArray, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { NumericRange, ValuePredicate } from './value-predicate.js';

class IntervalPredicate implements ValuePredicate {
  readonly matchesNull = false;
  private readonly ranges: readonly NumericRange[];

  constructor(private readonly intervals: readonly TimeInterval[]) {
    this.ranges = intervals.map((interval) => ({ lower: interval.startMs, lowerOpen: false, upper: interval.endMs, upperOpen: true }));
  }

  matchesString(value: string): boolean {
    const number = parseDecimal(value);
    return number !== null && this.matchesNumber(number);
  }

  matchesNumber(value: number): boolean {
    let low = 0;
    let high = this.intervals.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.intervals[middle]!.endMs <= value) low = middle + 1;
      else high = middle;
    }
    return low < this.intervals.length && this.intervals[low]!.startMs <= value;
  }

  numericRanges(): readonly NumericRange[] {
    return this.ranges;
  }
}

export class IntervalFilter extends PredicateFilter {
  readonly type = 'interval';

  constructor(dimension: string, readonly intervals: readonly TimeInterval[]) {
    super(dimension, new IntervalPredicate(condenseIntervals(intervals)));
  }

  static fromJson(json: JsonObject, path: string): IntervalFilter {
    rejectExtractionFn(json, path);
    const dimension = requireString(json, 'dimension', path);
    const intervals = requireArray(json, 'intervals', path).map((text, index) => {
      if (typeof text !== 'string') throw invalidInput(`${path}.intervals[${index}]`, 'must be an ISO-8601 interval string');
      return parseInterval(text, `${path}.intervals[${index}]`);
    });
    return new IntervalFilter(dimension, intervals);
  }
}
