// The in-memory index's rows in segment order (time, then dimensions in schema order), read out as
// segment columns for any contiguous range of that order: one spill file, or one final segment per
// time chunk and partition. Columns come straight from the index's interned ids, so no row is
// materialised as values on the way to the segment writer.
import type { ColumnData } from '../segment-format/columns.js';
import type { ColumnStorage } from './column-gather.js';
import type { DimensionColumn } from './dimension-columns.js';
import type { MetricColumn } from './metric-columns.js';

/** One segment column, built on demand. */
export interface ColumnSource {
  readonly name: string;
  /** Builds the column (a new copy on each call, equal while the index is unchanged). */
  readonly produce: () => ColumnData;
  /**
   * The same column as index storage to gather in shared order positions [start, end) (gatherColumn
   * gives what produce() gives); null when the column has no such storage (sketches, absent dimensions).
   */
  readonly gather: (() => ColumnGatherSource) | null;
}

/** What gatherColumn needs, the order in a buffer other threads can read. */
export interface ColumnGatherSource {
  /** Shared, not copied: valid until the index changes. */
  readonly storage: ColumnStorage;
  /** Uint32 positions: the index rows in segment order. */
  readonly order: SharedArrayBuffer;
  readonly start: number;
  readonly end: number;
}

export class SortedIndexRows {
  /** Row times in segment order (already truncated to the query granularity). */
  readonly times: Float64Array;
  /** order[position] is the index row at that position of the segment order; shared with workers. */
  private readonly order: Uint32Array;

  constructor(
    order: Uint32Array,
    indexTimes: Float64Array,
    private readonly dimensionColumnOf: (name: string) => DimensionColumn | undefined,
    private readonly metricColumns: readonly MetricColumn[],
    private readonly metricNames: readonly string[],
  ) {
    this.order = new Uint32Array(new SharedArrayBuffer(order.length * 4));
    this.order.set(order);
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
    return new Map(this.columnSources(dimensionNames, start, end).map((source) => [source.name, source.produce()]));
  }

  /** columns() one column at a time: each source builds its column (a fresh copy) when called. */
  columnSources(dimensionNames: readonly string[], start: number, end: number): ColumnSource[] {
    const order = this.order.subarray(start, end);
    const gatherOf = (storage: () => ColumnStorage): (() => ColumnGatherSource) => {
      return () => ({ storage: storage(), order: this.order.buffer as SharedArrayBuffer, start, end });
    };
    const sources: ColumnSource[] = dimensionNames.map((name) => {
      const column = this.dimensionColumnOf(name);
      if (column === undefined) return { name, produce: () => nullStringColumn(order.length), gather: null };
      return { name, produce: () => column.snapshot(order), gather: gatherOf(() => column.storage()) };
    });
    this.metricColumns.forEach((column, index) => {
      const gather = column.storage() === null ? null : gatherOf(() => column.storage()!);
      sources.push({ name: this.metricNames[index]!, produce: () => column.snapshot(order), gather });
    });
    return sources;
  }

  /** Times of positions [start, end) (a copy the segment writer may keep). */
  timesOf(start: number, end: number): Float64Array {
    return this.times.slice(start, end);
  }
}

function nullStringColumn(rowCount: number): ColumnData {
  return { kind: 'string', multiValue: false, dictionary: [null], ids: new Uint8Array(rowCount) };
}
