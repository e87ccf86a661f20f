// lower <(=) value <(=) upper under one of Druid's orderings (bound and range filters). Lexicographic
// on a dictionary is one contiguous id range; numeric on a numeric column is a numeric range.
import type { Dictionary } from '../../segment-format/columns.js';
import { firstNonNullId, searchDictionary } from './dictionary-search.js';
import { numberToString, parseDecimal } from './filter-values.js';
import { comparatorByOrdering, type StringComparator, type StringOrdering } from './string-comparators.js';
import type { DictionaryMatch, NumericKind, NumericRange, ValuePredicate } from './value-predicate.js';

/** The operands of a bound/range comparison; a null bound is absent (unbounded on that side). */
export interface ComparisonBounds {
  readonly lower: string | null;
  readonly lowerOpen: boolean;
  readonly upper: string | null;
  readonly upperOpen: boolean;
  readonly ordering: StringOrdering;
}

export class ComparatorRangePredicate implements ValuePredicate {
  readonly matchesNull = false;
  private readonly comparator: StringComparator;
  /** The matching numbers under numeric ordering (at most one range); null for other orderings. */
  private readonly numberRanges: readonly NumericRange[] | null;

  constructor(readonly bounds: ComparisonBounds) {
    this.comparator = comparatorByOrdering[bounds.ordering];
    this.numberRanges = bounds.ordering === 'numeric' ? numericRangesOf(bounds) : null;
  }

  matchesString(value: string): boolean {
    const { lower, upper, lowerOpen, upperOpen } = this.bounds;
    if (lower !== null) {
      const order = this.comparator(value, lower);
      if (order < 0 || (order === 0 && lowerOpen)) return false;
    }
    if (upper !== null) {
      const order = this.comparator(value, upper);
      if (order > 0 || (order === 0 && upperOpen)) return false;
    }
    return true;
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    if (this.bounds.ordering !== 'numeric') return this.matchesString(numberToString(value, kind));
    const ranges = this.numberRanges!;
    if (ranges.length === 0) return false;
    const { lower, lowerOpen, upper, upperOpen } = ranges[0]!;
    return (lowerOpen ? value > lower : value >= lower) && (upperOpen ? value < upper : value <= upper);
  }

  matchDictionary(dictionary: Dictionary): DictionaryMatch {
    if (this.bounds.ordering !== 'lexicographic') return this.scan(dictionary);
    const { lower, upper, lowerOpen, upperOpen } = this.bounds;
    const startId = lower === null ? firstNonNullId(dictionary) : searchDictionary(dictionary, lower, lowerOpen);
    const endId = upper === null ? dictionary.length : searchDictionary(dictionary, upper, !upperOpen);
    return { kind: 'range', startId, endId: Math.max(startId, endId) };
  }

  numericRanges(): readonly NumericRange[] | null {
    return this.numberRanges;
  }

  private scan(dictionary: Dictionary): DictionaryMatch {
    const ids: number[] = [];
    for (let id = firstNonNullId(dictionary); id < dictionary.length; id++) {
      if (this.matchesString(dictionary[id] as string)) ids.push(id);
    }
    return { kind: 'ids', ids };
  }
}

/**
 * Numeric ordering. Numbers sort after every non-numeric string, so a non-numeric lower bound admits
 * every number and a non-numeric upper bound admits none.
 */
function numericRangesOf(bounds: ComparisonBounds): readonly NumericRange[] {
  const { lower, upper, lowerOpen, upperOpen } = bounds;
  const lowerNumber = lower === null ? null : parseDecimal(lower);
  const upperNumber = upper === null ? null : parseDecimal(upper);
  if (upper !== null && upperNumber === null) return [];
  return [
    {
      lower: lowerNumber ?? -Infinity,
      lowerOpen: lowerNumber !== null && lowerOpen,
      upper: upperNumber ?? Infinity,
      upperOpen: upperNumber !== null && upperOpen,
    },
  ];
}
