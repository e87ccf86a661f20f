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

/**
 * The rows a scan visits: rows start .. end-1, or, when `rows` is set, just those (ascending). A scan
 * may report rows outside its scope either way (filters only promise results inside `within`).
 */
export interface ScanScope {
  readonly start: number;
  readonly end: number;
  readonly rows: Uint32Array | null;
}

/** A listed scope pays off when it visits under 1/16 of the span between its first and last row. */
const SPARSE_FRACTION = 16;

/** The scope for a filter's `within` rows: all rows, their span, or the rows themselves when sparse. */
export function scanScopeOf(rowCount: number, within: RoaringBitmap32Type | undefined): ScanScope {
  if (within === undefined) return { start: 0, end: rowCount, rows: null };
  const size = within.size;
  if (size === 0) return { start: 0, end: 0, rows: null };
  const start = within.minimum();
  const end = Math.min(rowCount, within.maximum() + 1);
  if (size * SPARSE_FRACTION < end - start) return { start, end, rows: within.toUint32Array() };
  return { start, end, rows: null };
}

/** Rows of the scope whose value lies in the range (null rows are not excluded here: callers remove them). */
export function scanRange(values: Float64Array | Float32Array, range: NumericRange, scope: ScanScope): RoaringBitmap32Type {
  if (scope.rows !== null) return scanListedRows(values, scope.rows, (value) => inRange(value, range));
  const rows = scratchFor(scope.end - scope.start);
  const { lower, upper } = range;
  let count = 0;
  if (!range.lowerOpen && !range.upperOpen) {
    for (let row = scope.start; row < scope.end; row++) {
      const value = values[row]!;
      if (value >= lower && value <= upper) rows[count++] = row;
    }
  } else {
    const lowerOpen = range.lowerOpen;
    const upperOpen = range.upperOpen;
    for (let row = scope.start; row < scope.end; row++) {
      const value = values[row]!;
      if ((lowerOpen ? value > lower : value >= lower) && (upperOpen ? value < upper : value <= upper)) rows[count++] = row;
    }
  }
  return new RoaringBitmap32(rows.subarray(0, count));
}

function inRange(value: number, range: NumericRange): boolean {
  return (range.lowerOpen ? value > range.lower : value >= range.lower) && (range.upperOpen ? value < range.upper : value <= range.upper);
}

/** Rows of the scope whose value passes the test (null rows are not excluded here: callers remove them). */
export function scanPredicate(
  values: Float64Array | Float32Array,
  kind: NumericKind,
  test: (value: number, kind: NumericKind) => boolean,
  scope: ScanScope,
): RoaringBitmap32Type {
  if (scope.rows !== null) return scanListedRows(values, scope.rows, (value) => test(value, kind));
  const rows = scratchFor(scope.end - scope.start);
  let count = 0;
  for (let row = scope.start; row < scope.end; row++) {
    if (test(values[row]!, kind)) rows[count++] = row;
  }
  return new RoaringBitmap32(rows.subarray(0, count));
}

/** The listed rows (ascending) whose value passes the test; few rows, so one closure call each is fine. */
function scanListedRows(values: Float64Array | Float32Array, listed: Uint32Array, test: (value: number) => boolean): RoaringBitmap32Type {
  const rows = scratchFor(listed.length);
  let count = 0;
  for (let index = 0; index < listed.length; index++) {
    const row = listed[index]!;
    if (test(values[row]!)) rows[count++] = row;
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
