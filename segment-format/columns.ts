// The in-memory column model shared by the segment writer, the segment reader and the realtime
// incremental index. A column is plain typed arrays so hot loops can read it without indirection.
// This file imports nothing but roaring: segment-format knows nothing of queries or the cluster.
import type { RoaringBitmap32 } from 'roaring';

/** Druid's column type names, as reported by segmentMetadata. */
export type ColumnType = 'STRING' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'COMPLEX<hyperUnique>';

/** Per-row dictionary ids, in the narrowest width that holds the dictionary. */
export type DictionaryIds = Uint8Array | Uint16Array | Uint32Array;

/**
 * Sorted dictionary of a string column. Values are unique and sorted by UTF-16 code unit order
 * (JavaScript's default `<`), except that `null`, when present, is always id 0.
 */
export type Dictionary = readonly (string | null)[];

/** A single-value string dimension. A null row has the id of `null` (0). */
export interface StringColumnData {
  readonly kind: 'string';
  readonly multiValue: false;
  readonly dictionary: Dictionary;
  /** ids[row] is the row's dictionary id; length is the segment's row count. */
  readonly ids: DictionaryIds;
}

/**
 * A multi-value string dimension. Row r's values are ids[offsets[r] .. offsets[r+1]).
 * A null or empty row is stored as the single value null, so every row has at least one id.
 */
export interface MultiValueStringColumnData {
  readonly kind: 'string';
  readonly multiValue: true;
  readonly dictionary: Dictionary;
  /** Length rowCount + 1, offsets[0] = 0. */
  readonly offsets: Uint32Array;
  readonly ids: DictionaryIds;
}

/**
 * A numeric column. LONG values are held as float64 (exact up to 2^53; stored as int64 on disk).
 * A null row has value 0 and its row in `nulls`.
 */
export interface NumericColumnData {
  readonly kind: 'long' | 'float' | 'double';
  readonly values: Float64Array | Float32Array;
  /** Rows whose value is null; null when the column has no nulls. */
  readonly nulls: RoaringBitmap32 | null;
}

/** A hyperUnique metric: one serialized HyperLogLog sketch per row (see query/hyper-log-log). */
export interface ComplexColumnData {
  readonly kind: 'hyperUnique';
  readonly values: readonly Uint8Array[];
}

/** What the writer takes: a column without its bitmap index (the writer builds it). */
export type ColumnData =
  | StringColumnData
  | MultiValueStringColumnData
  | NumericColumnData
  | ComplexColumnData;

/** Access to the bitmap inverted index of a string column: one bitmap of rows per dictionary id. */
export interface BitmapIndex {
  /** Rows whose value (or one of whose values) is dictionary[id]. Do not mutate the result. */
  bitmap(id: number): RoaringBitmap32;
}

export type StringColumn = StringColumnData & BitmapIndex;
export type MultiValueStringColumn = MultiValueStringColumnData & BitmapIndex;
export type NumericColumn = NumericColumnData;
export type ComplexColumn = ComplexColumnData;

/** A readable column, as queries see it. */
export type Column = StringColumn | MultiValueStringColumn | NumericColumn | ComplexColumn;

export function columnTypeOf(column: ColumnData): ColumnType {
  switch (column.kind) {
    case 'string':
      return 'STRING';
    case 'long':
      return 'LONG';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'hyperUnique':
      return 'COMPLEX<hyperUnique>';
  }
}

/** Bytes per id of the narrowest id array for a dictionary of the given size. */
export function idWidthFor(dictionarySize: number): 1 | 2 | 4 {
  return dictionarySize <= 0x100 ? 1 : dictionarySize <= 0x10000 ? 2 : 4;
}

/** Narrowest id array for a dictionary of the given size. */
export function allocateIds(dictionarySize: number, length: number): DictionaryIds {
  const width = idWidthFor(dictionarySize);
  return width === 1 ? new Uint8Array(length) : width === 2 ? new Uint16Array(length) : new Uint32Array(length);
}
