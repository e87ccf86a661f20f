// The in-memory index's rows in segment order (time, then dimensions in schema order), read out as
// segment columns for any contiguous range of that order: one spill file, or one final segment per
// time chunk and partition. Columns come straight from the index's interned ids, so no row is
// materialised as values on the way to the segment writer.
import type { ColumnData } from '../segment-format/columns.js';
import type { DimensionColumn } from './dimension-columns.js';
import type { MetricColumn } from './metric-columns.js';

export class SortedIndexRows {
  /** Row times in segment order (already truncated to the query granularity). */
  readonly times: Float64Array;

  constructor(
    /** order[position] is the index row at that position of the segment order. */
    private readonly order: Uint32Array,
    indexTimes: Float64Array,
    private readonly dimensionColumnOf: (name: string) => DimensionColumn | undefined,
    private readonly metricColumns: readonly MetricColumn[],
    private readonly metricNames: readonly string[],
  ) {
    this.times = new Float64Array(order.length);
    for (let position = 0; position < order.length; position++) this.times[position] = indexTimes[order[position]!]!;
  }

  get rowCount(): number {
    return this.order.length;
  }

  /**
   * Segment columns of positions [start, end): the named dimensions (a dimension the index lacks is
   * all null), then every metric. Valid until the index changes.
   */
  columns(dimensionNames: readonly string[], start: number, end: number): Map<string, ColumnData> {
    const order = this.order.subarray(start, end);
    const columns = new Map<string, ColumnData>();
    for (const name of dimensionNames) columns.set(name, this.dimensionColumnOf(name)?.snapshot(order) ?? nullStringColumn(order.length));
    this.metricColumns.forEach((column, index) => columns.set(this.metricNames[index]!, column.snapshot(order)));
    return columns;
  }

  /** Times of positions [start, end) (a copy the segment writer may keep). */
  timesOf(start: number, end: number): Float64Array {
    return this.times.slice(start, end);
  }
}

function nullStringColumn(rowCount: number): ColumnData {
  return { kind: 'string', multiValue: false, dictionary: [null], ids: new Uint8Array(rowCount) };
}
