// Reads a single row's value of a column, for aggregators that pick one row per group (first/last)
// and so only resolve a value once per group, not once per row.
import type { QueryableSegment } from '../queryable-segment.js';
import type { MultiValueStringColumn, StringColumn } from '../../segment-format/columns.js';
import { numericInput, numericKindOf, TIME_COLUMN, type NumericInput, type RowNumericInput } from './numeric-input.js';
import { shortestFloat32, type NumericValueType } from './numeric-value-type.js';

export type RowValueReader<T> = (row: number) => T | null;

export function numericRowReader(input: NumericInput): RowValueReader<number> {
  if (input.kind === 'missing') return () => null;
  if (input.kind === 'dictionary') {
    const { ids, dictionaryValues, dictionaryNulls } = input;
    return (row) => (dictionaryNulls[ids[row]!] === 1 ? null : dictionaryValues[ids[row]!]!);
  }
  const { values, nulls } = input;
  return (row) => (nulls !== null && nulls[row] === 1 ? null : values[row]!);
}

/**
 * A column's row as a string: dictionary values as they are, numbers in their JavaScript form
 * (floats in their shortest float32 form),
 * a multi-value row with several values as Java's list form "[a, b]" (Druid's string conversion).
 * Strings are cut to at most maxStringBytes UTF-8 bytes, on a character boundary.
 */
export function stringRowReader(segment: QueryableSegment, fieldName: string, maxStringBytes: number): RowValueReader<string> {
  const column = segment.column(fieldName);
  if (column !== undefined && column.kind === 'string') return dictionaryStringReader(column, maxStringBytes);
  const kind = numericKindOf(segment, fieldName);
  if (kind === null) return () => null;
  const read = numericRowReader(numericInput(segment, fieldName, kind));
  return (row) => {
    const value = read(row);
    if (value === null) return null;
    return truncateUtf8(String(kind === 'float' ? shortestFloat32(value) : value), maxStringBytes);
  };
}

function dictionaryStringReader(column: StringColumn | MultiValueStringColumn, maxStringBytes: number): RowValueReader<string> {
  const dictionary = column.dictionary.map((value) => (value === null ? null : truncateUtf8(value, maxStringBytes)));
  if (!column.multiValue) return (row) => dictionary[column.ids[row]!] ?? null;
  const { offsets, ids } = column;
  return (row) => {
    const start = offsets[row]!;
    const end = offsets[row + 1]!;
    if (end - start === 1) return dictionary[ids[start]!] ?? null;
    const values: string[] = [];
    for (let index = start; index < end; index++) values.push(column.dictionary[ids[index]!] ?? 'null');
    return truncateUtf8(`[${values.join(', ')}]`, maxStringBytes);
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `value` cut to at most maxBytes of UTF-8, never splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no encoding.
  if (value.length * 3 <= maxBytes) return value;
  const bytes = encoder.encode(value);
  if (bytes.length <= maxBytes) return value;
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return decoder.decode(bytes.subarray(0, cut));
}

/** A time column as per-row numbers with null flags; a string column's values are parsed. */
export function timeRows(segment: QueryableSegment, timeColumn: string): RowNumericInput {
  if (timeColumn === TIME_COLUMN) return { kind: 'rows', values: segment.time(), nulls: null };
  const input = numericInput(segment, timeColumn, 'long' satisfies NumericValueType);
  if (input.kind === 'rows') return input;
  const values = new Float64Array(segment.rowCount);
  const nulls = new Uint8Array(segment.rowCount).fill(1);
  if (input.kind === 'dictionary') {
    for (let row = 0; row < values.length; row++) {
      const id = input.ids[row]!;
      values[row] = input.dictionaryValues[id]!;
      nulls[row] = input.dictionaryNulls[id]!;
    }
  }
  return { kind: 'rows', values, nulls };
}
