// A column read as numbers, the way a numeric aggregator sees it. Numeric columns are used as they
// are; a string column's dictionary is parsed once (non-numeric values are null); a missing column is
// all null. Derived arrays are cached per column object, so each is built once per loaded column
// rather than once per query.
import type { Column, DictionaryIds, MultiValueStringColumn, NumericColumn } from '../../segment-format/columns.js';
import type { QueryableSegment } from '../queryable-segment.js';
import { convertToType, type NumericValueType } from './numeric-value-type.js';

/** Values per row, with per-row null flags (1 = null) or null when no row is null. */
export interface RowNumericInput {
  readonly kind: 'rows';
  readonly values: Float64Array | Float32Array;
  readonly nulls: Uint8Array | null;
}

/** Values per dictionary id of a single-value string column (dictionaryNulls[id] = 1: null). */
export interface DictionaryNumericInput {
  readonly kind: 'dictionary';
  readonly ids: DictionaryIds;
  readonly dictionaryValues: Float64Array;
  readonly dictionaryNulls: Uint8Array;
}

export interface MissingNumericInput {
  readonly kind: 'missing';
}

export type NumericInput = RowNumericInput | DictionaryNumericInput | MissingNumericInput;

/** The row timestamp, readable as a long column. */
export const TIME_COLUMN = '__time';

const numericPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A string as a number the way Druid parses dimension values: strict decimal syntax, else null. */
export function parseNumber(value: string | null): number | null {
  if (value === null || !numericPattern.test(value)) return null;
  return Number(value);
}

/** The numeric type of a numeric column or __time; null for strings, sketches and missing columns. */
export function numericKindOf(segment: QueryableSegment, name: string): NumericValueType | null {
  if (name === TIME_COLUMN) return 'long';
  const column = segment.column(name);
  if (column === undefined || column.kind === 'string' || column.kind === 'hyperUnique') return null;
  return column.kind;
}

const rowNullsCache = new WeakMap<object, Uint8Array | null>();
const convertedValuesCache = new WeakMap<object, Map<NumericValueType, Float64Array>>();
const multiValueCache = new WeakMap<object, RowNumericInput>();

/** The column named `fieldName` as numbers of the aggregator's type. */
export function numericInput(segment: QueryableSegment, fieldName: string, type: NumericValueType): NumericInput {
  // __time is not a column of the segment but is readable like one (e.g. longMax of __time).
  if (fieldName === TIME_COLUMN) return { kind: 'rows', values: segment.time(), nulls: null };
  const column: Column | undefined = segment.column(fieldName);
  if (column === undefined || column.kind === 'hyperUnique') return { kind: 'missing' };
  if (column.kind !== 'string') {
    return { kind: 'rows', values: convertedValues(column, type), nulls: rowNulls(column, segment.rowCount) };
  }
  if (column.multiValue) return convertedRows(multiValueRows(column), type);
  const dictionaryValues = new Float64Array(column.dictionary.length);
  const dictionaryNulls = new Uint8Array(column.dictionary.length);
  column.dictionary.forEach((value, id) => {
    const number = parseNumber(value);
    if (number === null) dictionaryNulls[id] = 1;
    else dictionaryValues[id] = convertToType(type, number);
  });
  return { kind: 'dictionary', ids: column.ids, dictionaryValues, dictionaryNulls };
}

function rowNulls(column: NumericColumn, rowCount: number): Uint8Array | null {
  if (column.nulls === null || column.nulls.isEmpty) return null;
  let flags = rowNullsCache.get(column);
  if (flags === undefined) {
    flags = new Uint8Array(rowCount);
    for (const row of column.nulls.toUint32Array()) flags[row] = 1;
    rowNullsCache.set(column, flags);
  }
  return flags;
}

/** The column's values, converted only when the aggregator's type differs from the column's. */
function convertedValues(column: NumericColumn, type: NumericValueType): Float64Array | Float32Array {
  const needsConversion = (type === 'long' && column.kind !== 'long') || (type === 'float' && column.kind === 'double');
  if (!needsConversion) return column.values;
  return cachedConversion(column, column.values, type);
}

function convertedRows(input: RowNumericInput, type: NumericValueType): RowNumericInput {
  if (type === 'double') return input;
  return { kind: 'rows', values: cachedConversion(input, input.values, type), nulls: input.nulls };
}

function cachedConversion(key: object, values: Float64Array | Float32Array, type: NumericValueType): Float64Array {
  let byType = convertedValuesCache.get(key);
  if (byType === undefined) convertedValuesCache.set(key, (byType = new Map()));
  let converted = byType.get(type);
  if (converted === undefined) {
    converted = new Float64Array(values.length);
    for (let row = 0; row < values.length; row++) converted[row] = convertToType(type, values[row]!);
    byType.set(type, converted);
  }
  return converted;
}

/**
 * A multi-value string column read as one number per row: a row with exactly one value uses it;
 * rows with several values are null (a number cannot hold several).
 */
function multiValueRows(column: MultiValueStringColumn): RowNumericInput {
  const cached = multiValueCache.get(column);
  if (cached !== undefined) return cached;
  const rowCount = column.offsets.length - 1;
  const values = new Float64Array(rowCount);
  const nulls = new Uint8Array(rowCount);
  const parsed = column.dictionary.map(parseNumber);
  for (let row = 0; row < rowCount; row++) {
    const start = column.offsets[row]!;
    const number = column.offsets[row + 1]! - start === 1 ? (parsed[column.ids[start]!] ?? null) : null;
    if (number === null) nulls[row] = 1;
    else values[row] = number;
  }
  const input: RowNumericInput = { kind: 'rows', values, nulls };
  multiValueCache.set(column, input);
  return input;
}
