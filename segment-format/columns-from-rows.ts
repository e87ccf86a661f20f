// Builds the column model from row-oriented values. Used by batch ingestion after sorting, by the
// realtime index for snapshots, and by tests to make segments from literal rows.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import { groupRowsById } from './bitmap-index-builder.js';
import {
  allocateIds,
  type ColumnData,
  type ComplexColumnData,
  type Dictionary,
  type MultiValueStringColumnData,
  type NumericColumnData,
  type StringColumnData,
} from './columns.js';

const { RoaringBitmap32 } = RoaringModule;

export type ColumnKind = ColumnData['kind'];

/** Compare strings the way dictionaries sort: null first, then UTF-16 code unit order. */
export function compareDictionaryValues(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

/** Sorted dictionary of the distinct values, null first if present. */
export function buildDictionary(values: Iterable<string | null>): Dictionary {
  const distinct = new Set<string | null>(values);
  return [...distinct].sort(compareDictionaryValues);
}

function normalizeString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return String(value);
}

/** A single-value string column. Arrays are rejected: use multiValueStringColumn. */
export function stringColumn(values: readonly unknown[]): StringColumnData {
  const strings = values.map(normalizeString);
  const dictionary = buildDictionary(strings);
  const idOf = new Map<string | null, number>();
  dictionary.forEach((value, id) => idOf.set(value, id));
  const ids = allocateIds(dictionary.length, strings.length);
  for (let row = 0; row < strings.length; row++) ids[row] = idOf.get(strings[row]!)!;
  return { kind: 'string', multiValue: false, dictionary, ids };
}

/** A multi-value string column; a scalar is a one-value row, null or [] is stored as [null]. */
export function multiValueStringColumn(values: readonly unknown[]): MultiValueStringColumnData {
  const rows: (string | null)[][] = values.map((value) => {
    if (Array.isArray(value)) return value.length === 0 ? [null] : value.map(normalizeString);
    return [normalizeString(value)];
  });
  const dictionary = buildDictionary(rows.flat());
  const idOf = new Map<string | null, number>();
  dictionary.forEach((value, id) => idOf.set(value, id));
  const offsets = new Uint32Array(rows.length + 1);
  let total = 0;
  for (let row = 0; row < rows.length; row++) {
    total += rows[row]!.length;
    offsets[row + 1] = total;
  }
  const ids = allocateIds(dictionary.length, total);
  let cursor = 0;
  for (const row of rows) for (const value of row) ids[cursor++] = idOf.get(value)!;
  return { kind: 'string', multiValue: true, dictionary, offsets, ids };
}

/** A numeric column; null, undefined and non-numeric values become nulls. Longs are truncated. */
export function numericColumn(kind: 'long' | 'float' | 'double', values: readonly unknown[]): NumericColumnData {
  const array = kind === 'float' ? new Float32Array(values.length) : new Float64Array(values.length);
  const nulls = new RoaringBitmap32();
  for (let row = 0; row < values.length; row++) {
    const value = values[row];
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (value === null || value === undefined || Number.isNaN(number)) {
      nulls.add(row);
      continue;
    }
    array[row] = kind === 'long' ? Math.trunc(number) : number;
  }
  return { kind, values: array, nulls: nulls.isEmpty ? null : nulls };
}

/** A hyperUnique column from already-serialized sketches. */
export function complexColumn(values: readonly Uint8Array[]): ComplexColumnData {
  return { kind: 'hyperUnique', values };
}

/** Bitmaps of rows per dictionary id, from one counting sort of the ids (no per-row allocation). */
export function buildBitmaps(column: StringColumnData | MultiValueStringColumnData): RoaringBitmap32Type[] {
  const { starts, rows } = groupRowsById(column, 'in-memory');
  const bitmaps: RoaringBitmap32Type[] = [];
  for (let id = 0; id < column.dictionary.length; id++) bitmaps.push(new RoaringBitmap32(rows.subarray(starts[id]!, starts[id + 1]!)));
  return bitmaps;
}
