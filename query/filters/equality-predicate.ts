// value = X for one non-null operand (selector, equals): a string column compares strings; a numeric
// column compares numbers when the operand parses as one, and matches nothing otherwise.
import type { Dictionary } from '../../segment-format/columns.js';
import { dictionaryIdOf } from './dictionary-search.js';
import { numberEquals, parseDecimal } from './filter-values.js';
import type { DictionaryMatch, NumericKind, NumericRange, ValuePredicate } from './value-predicate.js';

export class EqualityPredicate implements ValuePredicate {
  readonly matchesNull = false;
  private readonly number: number | null;

  constructor(private readonly value: string) {
    this.number = parseDecimal(value);
  }

  matchesString(value: string): boolean {
    return value === this.value;
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    return this.number !== null && numberEquals(value, this.number, kind);
  }

  matchDictionary(dictionary: Dictionary): DictionaryMatch {
    const id = dictionaryIdOf(dictionary, this.value);
    return { kind: 'ids', ids: id < 0 ? [] : [id] };
  }

  numericRanges(kind: NumericKind): readonly NumericRange[] {
    if (this.number === null) return [];
    const value = kind === 'float' ? Math.fround(this.number) : this.number;
    return [{ lower: value, lowerOpen: false, upper: value, upperOpen: false }];
  }
}

/** value IS NULL: null values are TRUE, every non-null value FALSE. */
export class IsNullPredicate implements ValuePredicate {
  readonly matchesNull = true;

  matchesString(): boolean {
    return false;
  }

  matchesNumber(): boolean {
    return false;
  }

  matchDictionary(): DictionaryMatch {
    return { kind: 'ids', ids: [] };
  }

  numericRanges(): readonly NumericRange[] {
    return [];
  }
}
