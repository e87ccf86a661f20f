// Bitmap building blocks for three-valued filter results (TRUE rows, UNKNOWN rows, the rest FALSE).
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import type { FilterResult } from './filter.js';

const { RoaringBitmap32 } = RoaringModule;

/** Rows 0 .. rowCount-1. */
export function allRows(rowCount: number): RoaringBitmap32Type {
  const bitmap = new RoaringBitmap32();
  if (rowCount > 0) bitmap.addRange(0, rowCount);
  return bitmap;
}

export function emptyBitmap(): RoaringBitmap32Type {
  return new RoaringBitmap32();
}

/** Every row TRUE. */
export function allTrue(rowCount: number): FilterResult {
  return { matches: allRows(rowCount), unknown: emptyBitmap() };
}

/** Every row FALSE. */
export function allFalse(): FilterResult {
  return { matches: emptyBitmap(), unknown: emptyBitmap() };
}

/** Every row UNKNOWN (a comparison on a column that is null everywhere). */
export function allUnknown(rowCount: number): FilterResult {
  return { matches: emptyBitmap(), unknown: allRows(rowCount) };
}

/**
 * The result of a value predicate given its TRUE rows and the rows holding a null value: null rows
 * are TRUE when the predicate matches null, otherwise UNKNOWN unless another value of the row matched.
 */
export function withNullRows(matches: RoaringBitmap32Type, nullRows: RoaringBitmap32Type | null, matchesNull: boolean): FilterResult {
  if (nullRows === null || nullRows.isEmpty) return { matches, unknown: emptyBitmap() };
  if (matchesNull) {
    matches.orInPlace(nullRows);
    return { matches, unknown: emptyBitmap() };
  }
  return { matches, unknown: RoaringBitmap32.andNot(nullRows, matches) };
}

/** SQL NOT: FALSE ↔ TRUE, UNKNOWN stays UNKNOWN. */
export function negate(result: FilterResult, rowCount: number): FilterResult {
  const matches = allRows(rowCount);
  matches.andNotInPlace(result.matches);
  matches.andNotInPlace(result.unknown);
  return { matches, unknown: result.unknown };
}
