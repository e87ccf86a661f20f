// A segment held entirely in memory: columns plus lazily built bitmap indexes. It has the same shape
// as a segment read from a file (query/queryable-segment.ts), so the query engine cannot tell them apart.
import type { RoaringBitmap32 } from 'roaring';
import { columnTypeOf, type Column, type ColumnData, type ColumnType } from './columns.js';
import { buildBitmaps, multiValueStringColumn, numericColumn, stringColumn, complexColumn } from './columns-from-rows.js';
import { segmentIdOf, type SegmentInfo } from './segment-metadata.js';

export class InMemorySegment {
  readonly id: string;
  readonly rowCount: number;
  private readonly columns = new Map<string, Column>();
  /** Derived once per column: the columns never change. */
  private readonly multiValueByColumn = new Map<string, boolean>();

  constructor(
    readonly info: SegmentInfo,
    private readonly timeValues: Float64Array,
    columns: ReadonlyMap<string, ColumnData>,
  ) {
    this.id = segmentIdOf(info);
    this.rowCount = timeValues.length;
    for (let row = 1; row < timeValues.length; row++) {
      if (timeValues[row]! < timeValues[row - 1]!) throw new Error('InMemorySegment: __time must be ascending');
    }
    for (const [name, data] of columns) this.columns.set(name, columnWithBitmaps(data));
  }

  time(): Float64Array {
    return this.timeValues;
  }

  columnNames(): readonly string[] {
    return [...this.columns.keys()];
  }

  columnType(name: string): ColumnType | undefined {
    const column = this.columns.get(name);
    return column === undefined ? undefined : columnTypeOf(column);
  }

  isMultiValue(name: string): boolean {
    let multiValue = this.multiValueByColumn.get(name);
    if (multiValue === undefined) {
      multiValue = hasMultipleValues(this.columns.get(name), this.rowCount);
      this.multiValueByColumn.set(name, multiValue);
    }
    return multiValue;
  }

  column(name: string): Column | undefined {
    return this.columns.get(name);
  }
}

function hasMultipleValues(column: Column | undefined, rowCount: number): boolean {
  if (column === undefined || column.kind !== 'string' || !column.multiValue) return false;
  for (let row = 0; row < rowCount; row++) if (column.offsets[row + 1]! - column.offsets[row]! > 1) return true;
  return false;
}

/** The column as queries read it: a string column gains a bitmap index built on first use. */
export function columnWithBitmaps(data: ColumnData): Column {
  if (data.kind !== 'string') return data;
  let bitmaps: RoaringBitmap32[] | null = null;
  return {
    ...data,
    bitmap(id: number): RoaringBitmap32 {
      bitmaps ??= buildBitmaps(data);
      const bitmap = bitmaps[id];
      if (bitmap === undefined) throw new Error(`bitmap id ${id} out of range 0..${data.dictionary.length - 1}`);
      return bitmap;
    },
  } as Column;
}

/** Column specification for segmentFromRows. */
export type ColumnSpec = { readonly name: string; readonly kind: 'string' | 'multiString' | 'long' | 'float' | 'double' | 'hyperUnique' };

/**
 * Build an in-memory segment from literal rows (tests and small inline data). Rows are sorted by
 * __time (stable). hyperUnique values must be serialized sketches (Uint8Array).
 */
export function segmentFromRows(
  info: Omit<SegmentInfo, 'rowCount'>,
  columns: readonly ColumnSpec[],
  rows: readonly Readonly<Record<string, unknown>>[],
): InMemorySegment {
  const sorted = [...rows].sort((a, b) => Number(a['__time']) - Number(b['__time']));
  const time = Float64Array.from(sorted, (row) => Number(row['__time']));
  const data = new Map<string, ColumnData>();
  for (const spec of columns) {
    const values = sorted.map((row) => row[spec.name]);
    if (spec.kind === 'string') data.set(spec.name, stringColumn(values));
    else if (spec.kind === 'multiString') data.set(spec.name, multiValueStringColumn(values));
    else if (spec.kind === 'hyperUnique') data.set(spec.name, complexColumn(values as Uint8Array[]));
    else data.set(spec.name, numericColumn(spec.kind, values));
  }
  return new InMemorySegment({ ...info, rowCount: sorted.length }, time, data);
}
