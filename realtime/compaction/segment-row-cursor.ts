// One input segment of a compaction as a sorted row stream in the OUTPUT schema: only its visible
// rows, __time truncated to the new query granularity, dimensions and metrics addressed by output
// position (types coerced where segments disagree). Truncation or a new dimension order can break
// the segment's sort order; the cursor then sorts a row permutation by precomputed per-row ranks,
// so comparisons during the sort are numeric.
import { SedimentError } from '../../cluster/errors.js';
import type { Granularity } from '../../query/granularity.js';
import type { QueryableSegment } from '../../query/queryable-segment.js';
import type { Column } from '../../segment-format/columns.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { DimensionSchema } from '../dimensions-spec.js';
import { compareDimensionValues, toNumber, type DimensionValue } from '../dimension-values.js';
import type { MetricValue } from '../metric-values.js';
import type { RowCursor } from '../row-cursor.js';
import type { OutputMetric } from './compaction-schema.js';
import { columnValueReader } from '../column-value-reader.js';

type Reader<Value> = (row: number) => Value;

export interface SegmentRowCursorOptions {
  readonly dimensions: readonly DimensionSchema[];
  readonly metrics: readonly OutputMetric[];
  /** Truncation of __time; null keeps timestamps. */
  readonly queryGranularity: Granularity | null;
  /** Rows outside these (sorted, disjoint) intervals are skipped. */
  readonly visible: readonly TimeInterval[];
}

export class SegmentRowCursor implements RowCursor {
  private position = -1;
  private row = 0;
  private readonly rows: Uint32Array;
  private readonly keyTimes: Float64Array;
  private readonly dimensionReaders: Reader<DimensionValue>[];
  private readonly metricReaders: Reader<MetricValue>[];

  constructor(
    private readonly segment: QueryableSegment & { close?(): void },
    options: SegmentRowCursorOptions,
  ) {
    const times = segment.time();
    const selected = selectVisibleRows(times, options.visible);
    const keyTimes = new Float64Array(selected.length);
    const granularity = options.queryGranularity;
    for (let index = 0; index < selected.length; index++) {
      const time = times[selected[index]!]!;
      keyTimes[index] = granularity === null || granularity.isNone ? time : granularity.bucketStart(time);
    }
    this.dimensionReaders = options.dimensions.map((dimension) => dimensionReader(segment.column(dimension.name), dimension));
    this.metricReaders = options.metrics.map((output) => metricReader(segment, output));
    const order = sortedOrder(keyTimes, selected, this.dimensionReaders);
    this.rows = order === null ? selected : permute(selected, order);
    this.keyTimes = order === null ? keyTimes : permuteTimes(keyTimes, order);
  }

  /** Rows this cursor will emit. */
  get rowCount(): number {
    return this.rows.length;
  }

  next(): boolean {
    if (this.position + 1 >= this.rows.length) return false;
    this.row = this.rows[++this.position]!;
    return true;
  }

  time(): number {
    return this.keyTimes[this.position]!;
  }

  dimension(index: number): DimensionValue {
    return this.dimensionReaders[index]!(this.row);
  }

  metric(index: number): MetricValue {
    return this.metricReaders[index]!(this.row);
  }

  close(): void {
    this.segment.close?.();
  }
}

function lowerBound(times: Float64Array, timeMs: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function selectVisibleRows(times: Float64Array, visible: readonly TimeInterval[]): Uint32Array {
  const ranges = visible.map((interval) => [lowerBound(times, interval.startMs), lowerBound(times, interval.endMs)] as const);
  const total = ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
  const rows = new Uint32Array(total);
  let next = 0;
  for (const [start, end] of ranges) for (let row = start; row < end; row++) rows[next++] = row;
  return rows;
}

/** Null when the rows are already sorted by (time, dimensions); else the sorting permutation of positions. */
function sortedOrder(keyTimes: Float64Array, rows: Uint32Array, readers: readonly Reader<DimensionValue>[]): Uint32Array | null {
  if (isSorted(keyTimes, rows, readers)) return null;
  const ranks = readers.map((reader) => ranksOf(rows, reader));
  const order = new Uint32Array(rows.length);
  for (let index = 0; index < order.length; index++) order[index] = index;
  order.sort((left, right) => {
    const timeOrder = keyTimes[left]! - keyTimes[right]!;
    if (timeOrder !== 0) return timeOrder;
    for (const rank of ranks) {
      const order = rank[left]! - rank[right]!;
      if (order !== 0) return order;
    }
    return 0;
  });
  return order;
}

function isSorted(keyTimes: Float64Array, rows: Uint32Array, readers: readonly Reader<DimensionValue>[]): boolean {
  for (let index = 1; index < rows.length; index++) {
    const timeOrder = keyTimes[index - 1]! - keyTimes[index]!;
    if (timeOrder < 0) continue;
    if (timeOrder > 0) return false;
    for (const reader of readers) {
      const order = compareDimensionValues(reader(rows[index - 1]!), reader(rows[index]!));
      if (order < 0) break;
      if (order > 0) return false;
    }
  }
  return true;
}

/** Per position, the rank of its value among the distinct values of the selected rows. */
function ranksOf(rows: Uint32Array, reader: Reader<DimensionValue>): Uint32Array {
  const keyOf = (value: DimensionValue): string => (typeof value === 'string' ? `s${value}` : JSON.stringify(value));
  const distinct = new Map<string, DimensionValue>();
  for (const row of rows) {
    const value = reader(row);
    const key = keyOf(value);
    if (!distinct.has(key)) distinct.set(key, value);
  }
  const sorted = [...distinct.entries()].sort((left, right) => compareDimensionValues(left[1], right[1]));
  const rankByKey = new Map<string, number>();
  sorted.forEach(([key], rank) => rankByKey.set(key, rank));
  const ranks = new Uint32Array(rows.length);
  for (let index = 0; index < rows.length; index++) ranks[index] = rankByKey.get(keyOf(reader(rows[index]!)))!;
  return ranks;
}

function permute(rows: Uint32Array, order: Uint32Array): Uint32Array {
  const result = new Uint32Array(rows.length);
  for (let index = 0; index < order.length; index++) result[index] = rows[order[index]!]!;
  return result;
}

function permuteTimes(times: Float64Array, order: Uint32Array): Float64Array {
  const result = new Float64Array(times.length);
  for (let index = 0; index < order.length; index++) result[index] = times[order[index]!]!;
  return result;
}

function dimensionReader(column: Column | undefined, dimension: DimensionSchema): Reader<DimensionValue> {
  const raw = columnValueReader(column);
  if (column?.kind === 'hyperUnique') throw new SedimentError('unsupported', `dimension '${dimension.name}': a hyperUnique column cannot be a dimension`);
  const sourceIsString = column === undefined || column.kind === 'string';
  if (dimension.type === 'string') {
    if (sourceIsString) return raw as Reader<DimensionValue>;
    return (row) => {
      const value = raw(row);
      return value === null ? null : String(value);
    };
  }
  const truncate = dimension.type === 'long';
  if (!sourceIsString && !truncate) return raw as Reader<DimensionValue>;
  return (row) => {
    const number = toNumber(raw(row));
    if (number === null || number === undefined) return null;
    return truncate ? Math.trunc(number) : number;
  };
}

function metricReader(segment: QueryableSegment, output: OutputMetric): Reader<MetricValue> {
  if (output.sourceColumn === null) return () => 1;
  const column = segment.column(output.sourceColumn);
  const { metric } = output;
  if (metric.fold === 'hyperUnique') {
    if (column !== undefined && column.kind !== 'hyperUnique') {
      throw new SedimentError('unsupported', `metricsSpec '${metric.name}': hyperUnique over non-sketch column '${output.sourceColumn}' is not supported in compaction`);
    }
    return columnValueReader(column) as Reader<MetricValue>;
  }
  if (column?.kind === 'hyperUnique') {
    throw new SedimentError('unsupported', `metricsSpec '${metric.name}': cannot read sketch column '${output.sourceColumn}' as a number`);
  }
  const raw = columnValueReader(column);
  const truncate = metric.storage === 'long';
  const numericSource = column !== undefined && column.kind !== 'string';
  if (numericSource && !truncate) return raw as Reader<MetricValue>;
  return (row) => {
    const number = toNumber(raw(row));
    if (number === null || number === undefined) return null;
    return truncate ? Math.trunc(number) : number;
  };
}
