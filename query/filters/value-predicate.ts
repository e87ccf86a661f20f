// The per-value test behind every single-column filter (selector, equals, null, in, bound, range,
// like, regex, search, interval). A filter supplies the predicate; column-predicate.ts turns it into
// bitmaps column by column, and row-value-match.ts applies it to one row's raw value.
import type { Dictionary } from '../../segment-format/columns.js';

/** A numeric column's type, or how a raw row number is read ('long' when integral, else 'double'). */
export type NumericKind = 'long' | 'float' | 'double';

/** A numeric interval; -Infinity / +Infinity stand for a missing bound. */
export interface NumericRange {
  /** Smallest matching value, or the value just below the range when `lowerOpen`. */
  readonly lower: number;
  /** Whether `lower` itself is excluded. */
  readonly lowerOpen: boolean;
  /** Largest matching value, or the value just above the range when `upperOpen`. */
  readonly upper: number;
  /** Whether `upper` itself is excluded. */
  readonly upperOpen: boolean;
}

/** Matching dictionary ids: a contiguous half-open id range, or an ascending list of ids. */
export type DictionaryMatch =
  | { readonly kind: 'range'; readonly startId: number; readonly endId: number }
  | { readonly kind: 'ids'; readonly ids: readonly number[] };

export interface ValuePredicate {
  /** True: a null value is TRUE (null, selector with null value, in with null). False: a null value is UNKNOWN. */
  readonly matchesNull: boolean;
  /** Test one non-null string value (string columns, and numbers the filter compares as strings). */
  matchesString(value: string): boolean;
  /** Test one non-null, non-NaN number held in a column (or row value) of the given kind. */
  matchesNumber(value: number, kind: NumericKind): boolean;
  /**
   * Fast path: the non-null ids of a sorted dictionary that match, found by binary search. Must agree
   * with matchesString on every non-null entry. Absent: the dictionary is scanned with matchesString.
   */
  matchDictionary?(dictionary: Dictionary): DictionaryMatch;
  /**
   * Fast path: the numbers of this kind that match, as disjoint ranges in ascending order (empty: none),
   * or null when the predicate is not a union of ranges. Must agree with matchesNumber.
   */
  numericRanges?(kind: NumericKind): readonly NumericRange[] | null;
}
