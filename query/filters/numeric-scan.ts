// Row scans over numeric columns. Matching row ids are gathered in a reused buffer (ascending, so
// roaring builds the bitmap in one pass) instead of one bitmap add per row.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import type { NumericKind, NumericRange } from './value-predicate.js';

const { RoaringBitmap32 } = RoaringModule;

let scratch = new Uint32Array(1024);

function scratchFor(rowCount: number): Uint32Array {
  if (scratch.length < rowCount) scratch = new Uint32Array(Math.max(rowCount, scratch.length * 2));
  return scratch;
}

/** Rows whose value lies in the range (null rows are not excluded here: callers remove them). */
export function scanRange(values: Float64Array | Float32Array, range: NumericRange): RoaringBitmap32Type {
  const rows = scratchFor(values.length);
  const { lower, upper } = range;
  let count = 0;
  if (!range.lowerOpen && !range.upperOpen) {
    for (let row = 0; row < values.length; row++) {
      const value = values[row]!;
      if (value >= lower && value <= upper) rows[count++] = row;
    }
  } else {
    const lowerOpen = range.lowerOpen;
    const upperOpen = range.upperOpen;
    for (let row = 0; row < values.length; row++) {
      const value = values[row]!;
      if ((lowerOpen ? value > lower : value >= lower) && (upperOpen ? value < upper : value <= upper)) rows[count++] = row;
    }
  }
  return new RoaringBitmap32(rows.subarray(0, count));
}

/** Rows whose value passes the test (null rows are not excluded here: callers remove them). */
export function scanPredicate(
  values: Float64Array | Float32Array,
  kind: NumericKind,
  test: (value: number, kind: NumericKind) => boolean,
): RoaringBitmap32Type {
  const rows = scratchFor(values.length);
  let count = 0;
  for (let row = 0; row < values.length; row++) {
    if (test(values[row]!, kind)) rows[count++] = row;
  }
  return new RoaringBitmap32(rows.subarray(0, count));
}

/** First index in the ascending array whose value is >= target (> target when `strict`). */
export function searchSorted(values: Float64Array, target: number, strict: boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = values[middle]!;
    if (value < target || (strict && value === target)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Rows of an ascending column (__time) within any of the ranges: binary search, no scan. */
export function sortedRangesRows(values: Float64Array, ranges: readonly NumericRange[]): RoaringBitmap32Type {
  const bitmap = new RoaringBitmap32();
  for (const range of ranges) {
    const start = searchSorted(values, range.lower, range.lowerOpen);
    const end = searchSorted(values, range.upper, !range.upperOpen);
    if (end > start) bitmap.addRange(start, end);
  }
  return bitmap;
}
