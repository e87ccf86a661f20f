// Druid `columnComparison`: every listed column holds the same value in the row. Values compare as
// strings (numbers in Druid's string form); multi-value rows are equal when they share a value; two
// nulls are equal, as in Druid. There is no index for this, so it scans rows (reusing buffers).
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import type { Column } from '../../segment-format/columns.js';
import type { QueryableSegment } from '../queryable-segment.js';
import { TIME_COLUMN } from './column-predicate.js';
import type { Filter, FilterResult, RowValueGetter } from './filter.js';
import { numberToString } from './filter-values.js';
import { requireArray, requireObject, requireString, rejectExtractionFn, type JsonObject } from './json-fields.js';

const { RoaringBitmap32 } = RoaringModule;

/** Writes the row's values (as strings or null) into `out`, returning how many were written. */
type RowValuesReader = (row: number, out: (string | null)[]) => number;

function rowValuesReader(column: Column | undefined, time: Float64Array | null): RowValuesReader {
  if (time !== null) return (row, out) => ((out[0] = String(time[row]!)), 1);
  if (column === undefined) return (_row, out) => ((out[0] = null), 1);
  switch (column.kind) {
    case 'string':
      if (!column.multiValue) return (row, out) => ((out[0] = column.dictionary[column.ids[row]!] ?? null), 1);
      return (row, out) => {
        let count = 0;
        for (let index = column.offsets[row]!; index < column.offsets[row + 1]!; index++) out[count++] = column.dictionary[column.ids[index]!] ?? null;
        return count;
      };
    case 'long':
    case 'float':
    case 'double':
      return (row, out) => ((out[0] = column.nulls?.has(row) ? null : numberToString(column.values[row]!, column.kind)), 1);
    case 'hyperUnique':
      throw new SedimentError('unsupported', 'columnComparison cannot compare COMPLEX<hyperUnique> columns');
  }
}

function overlaps(left: readonly (string | null)[], leftCount: number, right: readonly (string | null)[], rightCount: number): boolean {
  for (let i = 0; i < leftCount; i++) for (let j = 0; j < rightCount; j++) if (left[i] === right[j]) return true;
  return false;
}

function rowValuesOf(value: unknown): (string | null)[] {
  const values = Array.isArray(value) ? (value.length === 0 ? [null] : value) : [value];
  return values.map((item) => {
    if (item === null || item === undefined || (typeof item === 'number' && Number.isNaN(item))) return null;
    if (typeof item === 'number') return numberToString(item, Number.isInteger(item) ? 'long' : 'double');
    return String(item);
  });
}

export class ColumnComparisonFilter implements Filter {
  readonly type = 'columnComparison';

  constructor(readonly dimensions: readonly string[]) {}

  requiredColumns(): readonly string[] {
    return this.dimensions;
  }

  scansRows(): boolean {
    return true;
  }

  evaluate(segment: QueryableSegment, within?: RoaringBitmap32Type): FilterResult {
    const readers = this.dimensions.map((name) =>
      rowValuesReader(segment.column(name), name === TIME_COLUMN ? segment.time() : null),
    );
    const buffers = readers.map(() => [] as (string | null)[]);
    const counts = new Uint32Array(readers.length);
    const rows: number[] = [];
    const visit = (row: number): void => {
      for (let index = 0; index < readers.length; index++) counts[index] = readers[index]!(row, buffers[index]!);
      if (this.allEqual(buffers, counts)) rows.push(row);
    };
    if (within === undefined) for (let row = 0; row < segment.rowCount; row++) visit(row);
    else for (const row of within) visit(row);
    return { matches: new RoaringBitmap32(Uint32Array.from(rows)), unknown: new RoaringBitmap32() };
  }

  matchesRow(get: RowValueGetter): boolean {
    const buffers = this.dimensions.map((name) => rowValuesOf(get(name)));
    return this.allEqual(buffers, Uint32Array.from(buffers, (buffer) => buffer.length));
  }

  private allEqual(buffers: readonly (string | null)[][], counts: Uint32Array): boolean {
    for (let i = 0; i < buffers.length; i++) {
      for (let j = i + 1; j < buffers.length; j++) {
        if (!overlaps(buffers[i]!, counts[i]!, buffers[j]!, counts[j]!)) return false;
      }
    }
    return true;
  }

  static fromJson(json: JsonObject, path: string): ColumnComparisonFilter {
    const dimensions = requireArray(json, 'dimensions', path).map((spec, index) => {
      const specPath = `${path}.dimensions[${index}]`;
      if (typeof spec === 'string') return spec;
      const object = requireObject(spec, specPath);
      rejectExtractionFn(object, specPath);
      return requireString(object, 'dimension', specPath);
    });
    if (dimensions.length < 2) throw invalidInput(`${path}.dimensions`, 'must list at least two columns');
    return new ColumnComparisonFilter(dimensions);
  }
}
