// The in-memory index: rows keyed by (time truncated to the query granularity, dimension values),
// with metrics folded in place when rollup is on. It is sorted only when read out (sortedCursor), to
// be spilled to disk or merged into final segments.
import type { Granularity } from '../query/granularity.js';
import type { ColumnData } from '../segment-format/columns.js';
import { createDimensionColumn, type DimensionColumn, type PartialKeyMap } from './dimension-columns.js';
import { stringDimension, type DimensionSchema } from './dimensions-spec.js';
import type { DimensionValue } from './dimension-values.js';
import type { InputRow } from './input-row.js';
import { createMetricColumn, type MetricColumn } from './metric-columns.js';
import type { MetricValue } from './metric-values.js';
import type { IngestionMetric } from './metrics-spec.js';
import { GrowableFloat64Array } from './growable-arrays.js';
import type { PartialIndex, PartialSpan } from './partial-index.js';
import type { RowCursor } from './row-cursor.js';
import { RowKeyTable } from './row-key-table.js';
import { SortedIndexRows } from './sorted-index-rows.js';

export interface IndexSchema {
  /** Declared dimensions in schema order; empty with discovery. */
  readonly dimensions: readonly DimensionSchema[];
  /** Discover string dimensions from the rows' fields. */
  readonly discovery: boolean;
  /** Field names discovery never turns into dimensions. */
  readonly discoveryExclusions: ReadonlySet<string>;
  readonly metrics: readonly IngestionMetric[];
  readonly rollup: boolean;
  readonly queryGranularity: Granularity;
}

export class IncrementalIndex {
  private readonly columns: DimensionColumn[] = [];
  private readonly columnsByName = new Map<string, DimensionColumn>();
  private readonly metricColumns: MetricColumn[];
  private readonly times = new GrowableFloat64Array();
  private readonly keyTable = new RowKeyTable();
  private rows = 0;

  constructor(private readonly schema: IndexSchema) {
    for (const dimension of schema.dimensions) this.addColumn(dimension);
    this.metricColumns = schema.metrics.map(createMetricColumn);
  }

  /** Rows held (after rollup). */
  get rowCount(): number {
    return this.rows;
  }

  /** Dimension names in schema order: declared order, or sorted names with discovery. Includes dimensions of earlier spills. */
  dimensionNames(): string[] {
    const names = this.columns.map((column) => column.schema.name);
    return this.schema.discovery ? names.sort() : names;
  }

  /** Schemas matching dimensionNames(). */
  dimensionSchemas(): DimensionSchema[] {
    return this.dimensionNames().map((name) => this.columnsByName.get(name)!.schema);
  }

  private addColumn(schema: DimensionSchema): void {
    const column = createDimensionColumn(schema);
    column.padTo(this.rows);
    this.columns.push(column);
    this.columnsByName.set(schema.name, column);
  }

  private discover(row: InputRow): void {
    for (const name of row.fieldNames()) {
      if (!this.columnsByName.has(name) && !this.schema.discoveryExclusions.has(name)) this.addColumn(stringDimension(name));
    }
  }

  /** Adds one row. Returns a message when some value was present but unreadable (stored as null), else null. */
  add(row: InputRow): string | null {
    if (this.schema.discovery) this.discover(row);
    const granularity = this.schema.queryGranularity;
    const time = granularity.isNone ? row.timestampMs : granularity.bucketStart(row.timestampMs);
    let error: string | null = null;
    const columns = this.columns;
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!;
      column.stage(row.get(column.schema.name));
      if (error === null && column.stagingError !== null) error = column.stagingError;
    }
    if (this.schema.rollup) {
      const hash = this.keyTable.stagedHash(time, columns);
      const existing = this.keyTable.find(hash, time, this.times.data, columns);
      if (existing >= 0) return this.foldMetrics(existing, row) ?? error;
      this.keyTable.insert(this.rows, hash);
    }
    for (let index = 0; index < columns.length; index++) columns[index]!.commit();
    this.times.push(time);
    const metricError = this.appendMetrics(row);
    this.rows++;
    return error ?? metricError;
  }

  /** The column of a dimension (for staging values on the fast JSON path); undefined when unknown. */
  dimensionColumn(name: string): DimensionColumn | undefined {
    return this.columnsByName.get(name);
  }

  /**
   * Fast JSON path: adds a row whose every dimension the caller has staged on its column, with one
   * numeric input per metric (NaN for null; ignored for count). Only without discovery and sketches.
   */
  addStaged(timestampMs: number, metricInputs: Float64Array): void {
    const granularity = this.schema.queryGranularity;
    const time = granularity.isNone ? timestampMs : granularity.bucketStart(timestampMs);
    const columns = this.columns;
    const metricColumns = this.metricColumns;
    if (this.schema.rollup) {
      const hash = this.keyTable.stagedHash(time, columns);
      const existing = this.keyTable.find(hash, time, this.times.data, columns);
      if (existing >= 0) {
        for (let index = 0; index < metricColumns.length; index++) metricColumns[index]!.foldNumber(existing, metricInputs[index]!);
        return;
      }
      this.keyTable.insert(this.rows, hash);
    }
    for (let index = 0; index < columns.length; index++) columns[index]!.commit();
    this.times.push(time);
    for (let index = 0; index < metricColumns.length; index++) metricColumns[index]!.appendNumber(metricInputs[index]!);
    this.rows++;
  }

  private appendMetrics(row: InputRow): string | null {
    let error: string | null = null;
    for (let index = 0; index < this.metricColumns.length; index++) {
      const fieldName = this.schema.metrics[index]!.fieldName;
      const raw = fieldName === null ? null : row.get(fieldName);
      if (!this.metricColumns[index]!.append(raw) && error === null) error = unreadableMetric(raw, fieldName!);
    }
    return error;
  }

  private foldMetrics(target: number, row: InputRow): string | null {
    let error: string | null = null;
    for (let index = 0; index < this.metricColumns.length; index++) {
      const fieldName = this.schema.metrics[index]!.fieldName;
      const raw = fieldName === null ? null : row.get(fieldName);
      if (!this.metricColumns[index]!.fold(target, raw) && error === null) error = unreadableMetric(raw, fieldName!);
    }
    return error;
  }

  /**
   * Parallel ingestion: the rows as a partial index, sharing this index's storage; call clear()
   * before adding again. Fixed schemas without sketches only.
   */
  partial(): PartialIndex {
    return {
      rowCount: this.rows,
      times: this.times.data.subarray(0, this.rows),
      dimensions: this.columns.map((column) => column.partial()),
      metrics: this.metricColumns.map((column) => column.partialValues()),
    };
  }

  /**
   * Parallel ingestion: takes the storage of `partial` (another index's, which no one reads any more,
   * handed back to this thread) for this empty index's rows, so a worker reading round after round
   * does not fault in fresh memory for each. Columns it holds no storage for keep their own.
   */
  recycle(partial: PartialIndex): void {
    if (this.rows !== 0) return;
    this.times.adopt(partial.times.buffer);
    this.columns.forEach((column, index) => {
      const dimension = partial.dimensions[index];
      if (dimension !== undefined) column.recycle(dimension.keys);
    });
    this.metricColumns.forEach((column, index) => {
      const values = partial.metrics[index];
      if (values !== undefined) column.recycle(values);
    });
  }

  /** Makes room for `rows` more rows in every column, so adds do not grow (copy) storage step by step. */
  reserveRows(rows: number): void {
    this.times.reserve(rows);
    for (const column of this.columns) column.reserve(rows, false);
    for (const column of this.metricColumns) column.reserve(rows, false);
  }

  /**
   * Parallel ingestion: adds other indexes' rows (same schema) after this index's rows, span by span
   * in `spans` order, as if they had been added here in that order: under rollup, rows whose key this
   * index already holds fold into it the way spills merge (order-insensitive metrics give the very
   * same values).
   */
  appendPartials(partials: readonly PartialIndex[], spans: readonly PartialSpan[]): void {
    const maps = this.columns.map((column, index) => column.importPartials(partials.map((partial) => partial.dimensions[index]!)));
    const rowsAdded = spans.reduce((total, span) => total + span.to - span.from, 0);
    this.times.reserve(rowsAdded);
    // Shared memory: the workers that encode the segment columns read these rows without a copy.
    for (const column of this.columns) column.reserve(rowsAdded, true);
    for (const column of this.metricColumns) column.reserve(rowsAdded, true);
    for (const span of spans) {
      const partial = partials[span.partial]!;
      const spanMaps = maps.map((columnMaps) => columnMaps[span.partial]!);
      if (this.schema.rollup) this.foldRows(partial, spanMaps, span.from, span.to);
      else this.appendRows(partial, spanMaps, span.from, span.to);
    }
  }

  /** Appends a partial's rows [from, to), dimension keys mapped by `maps` (one per column). */
  private appendRows(partial: PartialIndex, maps: readonly PartialKeyMap[], from: number, to: number): void {
    this.columns.forEach((column, index) => column.appendMapped(partial.dimensions[index]!, maps[index]!, from, to));
    this.times.pushAll(partial.times.subarray(from, to));
    this.metricColumns.forEach((column, index) => column.appendPartials(partial.metrics[index]!.subarray(from, to)));
    this.rows += to - from;
  }

  /** appendRows under rollup: each row folds into an equal-keyed row or is appended. */
  private foldRows(partial: PartialIndex, maps: readonly PartialKeyMap[], from: number, to: number): void {
    const columns = this.columns;
    const metricColumns = this.metricColumns;
    for (let row = from; row < to; row++) {
      for (let index = 0; index < columns.length; index++) columns[index]!.stageMapped(partial.dimensions[index]!, maps[index]!, row);
      const time = partial.times[row]!;
      const hash = this.keyTable.stagedHash(time, columns);
      const existing = this.keyTable.find(hash, time, this.times.data, columns);
      if (existing >= 0) {
        for (let index = 0; index < metricColumns.length; index++) metricColumns[index]!.combinePartial(existing, partial.metrics[index]![row]!);
        continue;
      }
      this.keyTable.insert(this.rows, hash);
      for (let index = 0; index < columns.length; index++) columns[index]!.commit();
      this.times.push(time);
      for (let index = 0; index < metricColumns.length; index++) metricColumns[index]!.appendPartial(partial.metrics[index]![row]!);
      this.rows++;
    }
  }

  /**
   * Drops all rows (after a spill); discovered dimensions stay known. `keepCapacity` keeps the row
   * storage for the next rows (fresh memory is slow to fault in): only when nothing still reads it.
   */
  clear(keepCapacity = false): void {
    for (const column of this.columns) column.clear(keepCapacity);
    for (const column of this.metricColumns) column.clear(keepCapacity);
    this.times.clear(keepCapacity);
    this.keyTable.clear();
    this.rows = 0;
  }

  /**
   * A copy of the rows in time order as segment columns (dimensions, then metrics), for queries
   * while the index grows. Costs one pass per column; rows arrive mostly in time order, so the sort
   * is usually skipped.
   */
  snapshot(): { times: Float64Array; columns: Map<string, ColumnData> } {
    const order = this.timeOrder();
    const times = new Float64Array(order.length);
    for (let index = 0; index < order.length; index++) times[index] = this.times.data[order[index]!]!;
    const columns = new Map<string, ColumnData>();
    for (const name of this.dimensionNames()) columns.set(name, this.columnsByName.get(name)!.snapshot(order));
    this.schema.metrics.forEach((metric, index) => columns.set(metric.name, this.metricColumns[index]!.snapshot(order)));
    return { times, columns };
  }

  private timeOrder(): Uint32Array {
    const times = this.times.data;
    const order = new Uint32Array(this.rows);
    let sorted = true;
    for (let row = 0; row < order.length; row++) {
      order[row] = row;
      if (row > 0 && times[row]! < times[row - 1]!) sorted = false;
    }
    if (!sorted) order.sort((left, right) => times[left]! - times[right]! || left - right);
    return order;
  }

  /** The rows sorted by (time, dimensions in schema order), addressed by `dimensionNames`. Valid until clear(). */
  sortedCursor(dimensionNames: readonly string[]): RowCursor {
    const columns = dimensionNames.map((name) => this.columnsByName.get(name) ?? null);
    return new IndexCursor(this.sortedOrder(), this.times.data, columns, this.metricColumns);
  }

  /** The rows in segment order, read out as segment columns by range. Valid until the next add or clear(). */
  sortedRows(): SortedIndexRows {
    const names = this.schema.metrics.map((metric) => metric.name);
    return new SortedIndexRows(this.sortedOrder(), this.times.data, (name) => this.columnsByName.get(name), this.metricColumns, names);
  }

  /**
   * Row numbers in (time, dimensions) order. Rows usually arrive in time order, so when times never
   * decrease only runs of equal times are sorted by dimensions (none at all when times are distinct).
   */
  private sortedOrder(): Uint32Array {
    const ordered = this.dimensionNames().map((name) => this.columnsByName.get(name)!);
    for (const column of ordered) column.prepareCompare();
    const times = this.times.data;
    const order = new Uint32Array(this.rows);
    let ascending = true;
    for (let row = 0; row < order.length; row++) {
      order[row] = row;
      if (row > 0 && times[row]! < times[row - 1]!) ascending = false;
    }
    const byDimensions = (left: number, right: number): number => {
      for (let index = 0; index < ordered.length; index++) {
        const valueOrder = ordered[index]!.compareRows(left, right);
        if (valueOrder !== 0) return valueOrder;
      }
      return 0;
    };
    if (!ascending) {
      order.sort((left, right) => times[left]! - times[right]! || byDimensions(left, right));
      return order;
    }
    if (ordered.length === 0) return order;
    const byLaterDimensions = (left: number, right: number): number => {
      for (let index = 1; index < ordered.length; index++) {
        const valueOrder = ordered[index]!.compareRows(left, right);
        if (valueOrder !== 0) return valueOrder;
      }
      return 0;
    };
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && times[end] === times[start]) end++;
      if (end - start > 1 && !sortByFirstRank(order, start, end, ordered[0]!, ordered.length > 1 ? byLaterDimensions : null)) {
        order.subarray(start, end).sort(byDimensions);
      }
      start = end;
    }
    return order;
  }
}

/** Rows a rank-keyed sort takes at once: row offsets must fit the low bits of an exact double. */
const RANK_SORT_ROWS_MAX = 1 << 22;
let rankSortKeys = new Float64Array(1024);

/**
 * Sorts rows order[start .. end) (holding start .. end - 1) by the first dimension's rank with a native
 * numeric sort of (rank, offset) keys, then each run of equal ranks by the later dimensions; stable,
 * as the comparator sort it replaces. False, leaving the rows as they were, when some row has no rank.
 */
function sortByFirstRank(order: Uint32Array, start: number, end: number, first: DimensionColumn, byLater: ((left: number, right: number) => number) | null): boolean {
  const count = end - start;
  if (first.rankAt === undefined || count > RANK_SORT_ROWS_MAX) return false;
  if (rankSortKeys.length < count) rankSortKeys = new Float64Array(Math.max(count, rankSortKeys.length * 2));
  const keys = rankSortKeys.subarray(0, count);
  for (let offset = 0; offset < count; offset++) {
    const rank = first.rankAt(start + offset);
    if (rank < 0) return false;
    keys[offset] = rank * RANK_SORT_ROWS_MAX + offset;
  }
  keys.sort();
  let previousRank = -1;
  let groupStart = start;
  for (let offset = 0; offset < count; offset++) {
    const key = keys[offset]!;
    const rank = Math.floor(key / RANK_SORT_ROWS_MAX);
    order[start + offset] = start + (key - rank * RANK_SORT_ROWS_MAX);
    if (rank !== previousRank) {
      if (byLater !== null && start + offset - groupStart > 1) order.subarray(groupStart, start + offset).sort(byLater);
      previousRank = rank;
      groupStart = start + offset;
    }
  }
  if (byLater !== null && end - groupStart > 1) order.subarray(groupStart, end).sort(byLater);
  return true;
}

function unreadableMetric(raw: unknown, fieldName: string): string {
  return `Unable to parse value[${typeof raw === 'string' ? raw : JSON.stringify(raw)}] for field[${fieldName}]`;
}

class IndexCursor implements RowCursor {
  private position = -1;
  private row = 0;

  constructor(
    private readonly order: Uint32Array,
    private readonly times: Float64Array,
    private readonly columns: readonly (DimensionColumn | null)[],
    private readonly metricColumns: readonly MetricColumn[],
  ) {}

  next(): boolean {
    if (this.position + 1 >= this.order.length) return false;
    this.row = this.order[++this.position]!;
    return true;
  }

  time(): number {
    return this.times[this.row]!;
  }

  dimension(index: number): DimensionValue {
    const column = this.columns[index];
    return column === null || column === undefined ? null : column.value(this.row);
  }

  metric(index: number): MetricValue {
    return this.metricColumns[index]!.value(this.row);
  }

  close(): void {}
}
