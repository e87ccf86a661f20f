// The final merge of batch ingestion's sorted runs (spill files), done on columns: every run's
// dimension columns are decoded once, string dictionaries are united into one sorted dictionary per
// dimension (so comparing two rows' values is comparing two integers), a k-way heap merge over the
// runs yields the merged order as (run, row) pairs, and each final segment's columns are gathered
// from the runs along that order. The row-at-a-time MergingCursor path interns every value of every
// row into a Map; this path touches strings only when building dictionaries.
//
// Applies when every dimension is single-valued (string) or numeric and every metric is numeric
// (count, sum, min, max); otherwise `openRunMerge` returns null and the caller merges row by row.
// Rows with equal keys keep input order (runs are in input order, rows within a run in index order);
// under rollup they fold in that order.
import RoaringModule from 'roaring';
import { allocateIds, type Column, type ColumnData, type NumericColumnData } from '../segment-format/columns.js';
import { compareDictionaryValues } from '../segment-format/columns-from-rows.js';
import { openSegment, type SegmentFile } from '../segment-format/segment-reader.js';
import type { DimensionSchema } from './dimensions-spec.js';
import type { IngestionMetric, MetricFold } from './metrics-spec.js';
import type { ColumnSource } from './sorted-index-rows.js';

const { RoaringBitmap32 } = RoaringModule;

/** Merged positions between abort checks. */
const CHECK_INTERVAL = 1 << 16;

/** One dimension across the runs, in a form the comparison reads without decoding values. */
type DimensionKeys =
  | {
      readonly kind: 'string';
      /** The sorted union of the runs' dictionaries (null first when present). */
      readonly dictionary: readonly (string | null)[];
      /** Per run: each row's id in `dictionary` (one array type, so the merge loops stay monomorphic). */
      readonly ids: readonly Int32Array[];
    }
  | {
      readonly kind: 'long' | 'float' | 'double';
      /** Per run: values with NaN for null (null sorts first). */
      readonly values: readonly Float64Array[];
    };

/** The merged rows: output row o is the merged positions [starts[o], starts[o + 1]) (one unless rolled up). */
export interface MergedRows {
  readonly times: Float64Array;
  readonly rowCount: number;
}

export class RunMerge implements MergedRows {
  times = new Float64Array(0);
  rowCount = 0;
  /** Per merged position: the run and the row in it. */
  private mergedRun = new Uint16Array(0);
  private mergedRow = new Uint32Array(0);
  /** Output row → first merged position; length rowCount + 1. */
  private starts = new Uint32Array(0);

  private constructor(
    private readonly runs: readonly SegmentFile[],
    private readonly dimensions: readonly DimensionSchema[],
    private readonly metrics: readonly IngestionMetric[],
    private readonly keys: readonly DimensionKeys[],
  ) {}

  /**
   * Opens the runs and prepares the merge; null (files closed) when some column is not of a shape
   * this merge handles. The runs must be sorted by (time, dimensions in schema order).
   */
  static async open(paths: readonly string[], dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[]): Promise<RunMerge | null> {
    const runs: SegmentFile[] = [];
    try {
      for (const path of paths) runs.push(await openSegment(path));
      if (runs.length > 0xffff || !shapeApplies(runs, dimensions, metrics)) {
        for (const run of runs) run.close();
        return null;
      }
      return new RunMerge(runs, dimensions, metrics, dimensions.map((dimension) => dimensionKeys(runs, dimension)));
    } catch (error) {
      for (const run of runs) run.close();
      throw error;
    }
  }

  /** Computes the merged order (folding equal keys when `rollup`); throws the signal's reason when aborted. */
  merge(rollup: boolean, signal?: AbortSignal): void {
    const times = this.runs.map((run) => run.time());
    const total = times.reduce((sum, runTimes) => sum + runTimes.length, 0);
    this.mergedRun = new Uint16Array(total);
    this.mergedRow = new Uint32Array(total);
    const order = new RowOrder(times, this.keys);
    const heap = new RunHeap(order, times);
    for (let position = 0; position < total; position++) {
      if ((position & (CHECK_INTERVAL - 1)) === 0) signal?.throwIfAborted();
      const run = heap.top();
      this.mergedRun[position] = run;
      this.mergedRow[position] = heap.rowOf(run);
      heap.advanceTop();
    }
    const starts = new Uint32Array(total + 1);
    let rows = 0;
    for (let position = 0; position < total; position++) {
      if (rollup && rows > 0 && order.compare(this.mergedRun[position - 1]!, this.mergedRow[position - 1]!, this.mergedRun[position]!, this.mergedRow[position]!) === 0) continue;
      starts[rows++] = position;
    }
    starts[rows] = total;
    this.starts = starts.subarray(0, rows + 1);
    this.rowCount = rows;
    this.times = new Float64Array(rows);
    for (let row = 0; row < rows; row++) {
      const position = starts[row]!;
      this.times[row] = times[this.mergedRun[position]!]![this.mergedRow[position]!]!;
    }
  }

  /** The segment columns of output rows [from, to): dimensions in schema order, then metrics. */
  columnSources(from: number, to: number): ColumnSource[] {
    const sources: ColumnSource[] = this.dimensions.map((dimension, index) => ({ name: dimension.name, produce: () => this.dimensionColumn(index, from, to), gather: null }));
    this.metrics.forEach((metric, index) => sources.push({ name: metric.name, produce: () => this.metricColumn(index, from, to), gather: null }));
    return sources;
  }

  close(): void {
    for (const run of this.runs) run.close();
  }

  private dimensionColumn(index: number, from: number, to: number): ColumnData {
    const keys = this.keys[index]!;
    if (keys.kind !== 'string') return this.numericColumn(keys.kind, keys.values, from, to);
    const count = to - from;
    const globalIds = new Int32Array(count);
    const used = new Uint8Array(keys.dictionary.length);
    for (let row = 0; row < count; row++) {
      const position = this.starts[from + row]!;
      const id = keys.ids[this.mergedRun[position]!]![this.mergedRow[position]!]!;
      globalIds[row] = id;
      used[id] = 1;
    }
    const remap = new Uint32Array(keys.dictionary.length);
    const dictionary: (string | null)[] = [];
    for (let id = 0; id < used.length; id++) {
      if (used[id] === 0) continue;
      remap[id] = dictionary.length;
      dictionary.push(keys.dictionary[id]!);
    }
    const ids = allocateIds(dictionary.length, count);
    for (let row = 0; row < count; row++) ids[row] = remap[globalIds[row]!]!;
    return { kind: 'string', multiValue: false, dictionary, ids };
  }

  private numericColumn(kind: 'long' | 'float' | 'double', runValues: readonly Float64Array[], from: number, to: number): ColumnData {
    const count = to - from;
    const values = new Float64Array(count);
    for (let row = 0; row < count; row++) {
      const position = this.starts[from + row]!;
      values[row] = runValues[this.mergedRun[position]!]![this.mergedRow[position]!]!;
    }
    return numericColumnOf(kind, values);
  }

  private metricColumn(index: number, from: number, to: number): ColumnData {
    const metric = this.metrics[index]!;
    const columns = this.runs.map((run) => run.column(metric.name));
    // Read in place (no copy per run); null rows flagged only in runs that have some.
    const runValues = columns.map((column, run) => (column === undefined ? new Float64Array(this.runs[run]!.rowCount) : (column as NumericColumnData).values));
    const runNulls = columns.map((column, run) => nullFlags(column, this.runs[run]!.rowCount));
    const count = to - from;
    const values = new Float64Array(count);
    const fold = metric.fold;
    for (let row = 0; row < count; row++) {
      const start = this.starts[from + row]!;
      const end = this.starts[from + row + 1]!;
      let value = Number.NaN;
      for (let position = start; position < end; position++) {
        const run = this.mergedRun[position]!;
        const runRow = this.mergedRow[position]!;
        const nulls = runNulls[run]!;
        value = foldValues(fold, value, nulls !== null && nulls[runRow] === 1 ? Number.NaN : runValues[run]![runRow]!);
      }
      values[row] = value;
    }
    return numericColumnOf(metric.storage as 'long' | 'float' | 'double', values);
  }
}

/** Per row, 1 where the numeric column is null (every row when the run lacks it); null when no row is. */
function nullFlags(column: Column | undefined, rowCount: number): Uint8Array | null {
  if (column === undefined) return new Uint8Array(rowCount).fill(1);
  const nulls = (column as NumericColumnData).nulls;
  if (nulls === null) return null;
  const flags = new Uint8Array(rowCount);
  for (const row of nulls.toUint32Array()) flags[row] = 1;
  return flags;
}

/** Folds two partial values, NaN standing for null (null folds as nothing, as combineMetricValues does). */
function foldValues(fold: MetricFold, left: number, right: number): number {
  if (left !== left) return right;
  if (right !== right) return left;
  if (fold === 'min') return right < left ? right : left;
  if (fold === 'max') return right > left ? right : left;
  return left + right;
}

/** A numeric segment column from values with NaN for null. */
function numericColumnOf(kind: 'long' | 'float' | 'double', values: Float64Array): ColumnData {
  let nullRows: number[] | null = null;
  for (let row = 0; row < values.length; row++) {
    if (values[row] !== values[row]) {
      (nullRows ??= []).push(row);
      values[row] = 0;
    }
  }
  const nulls = nullRows === null ? null : new RoaringBitmap32(nullRows);
  return { kind, values: kind === 'float' ? Float32Array.from(values) : values, nulls };
}

/** A numeric column's values as float64 with NaN where null; all NaN when the run lacks the column. */
function valuesWithNaNNulls(column: Column | undefined, rowCount: number): Float64Array {
  if (column === undefined || (column.kind !== 'long' && column.kind !== 'float' && column.kind !== 'double')) return new Float64Array(rowCount).fill(Number.NaN);
  const values = Float64Array.from(column.values);
  if (column.nulls !== null) for (const row of column.nulls.toUint32Array()) values[row] = Number.NaN;
  return values;
}

function shapeApplies(runs: readonly SegmentFile[], dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[]): boolean {
  if (!metrics.every((metric) => metric.storage !== 'hyperUnique' && metric.fold !== 'hyperUnique')) return false;
  for (const run of runs) {
    for (const dimension of dimensions) {
      const type = run.columnType(dimension.name);
      if (type === undefined) continue;
      if (dimension.type === 'string' ? type !== 'STRING' || run.isMultiValue(dimension.name) : type === 'STRING') return false;
    }
    for (const metric of metrics) {
      const type = run.columnType(metric.name);
      if (type !== undefined && type !== metric.storage.toUpperCase()) return false;
    }
  }
  return true;
}

function dimensionKeys(runs: readonly SegmentFile[], dimension: DimensionSchema): DimensionKeys {
  if (dimension.type !== 'string') {
    return { kind: dimension.type, values: runs.map((run) => valuesWithNaNNulls(run.column(dimension.name), run.rowCount)) };
  }
  const columns = runs.map((run) => run.column(dimension.name) as Extract<Column, { kind: 'string' }> | undefined);
  const dictionaries = columns.map((column) => (column === undefined ? [null] : column.dictionary));
  const dictionary = unionOfSorted(dictionaries);
  const ids = columns.map((column, run) => {
    // A run without the column holds nulls: id 0, which is null whenever some run lacks the column.
    if (column === undefined) return new Int32Array(runs[run]!.rowCount);
    const toGlobal = positionsIn(column.dictionary, dictionary);
    const runIds = column.ids;
    const global = new Int32Array(runIds.length);
    for (let row = 0; row < runIds.length; row++) global[row] = toGlobal[runIds[row]!]!;
    return global;
  });
  return { kind: 'string', dictionary, ids };
}

/** The sorted union of sorted dictionaries (null first). */
function unionOfSorted(dictionaries: readonly (readonly (string | null)[])[]): (string | null)[] {
  const values = new Set<string | null>();
  for (const dictionary of dictionaries) for (const value of dictionary) values.add(value);
  return [...values].sort(compareDictionaryValues);
}

/** For each value of the sorted `subset`, its position in the sorted `all` (a linear walk of both). */
function positionsIn(subset: readonly (string | null)[], all: readonly (string | null)[]): Int32Array {
  const positions = new Int32Array(subset.length);
  let at = 0;
  for (let index = 0; index < subset.length; index++) {
    const value = subset[index]!;
    while (all[at] !== value) at++;
    positions[index] = at;
  }
  return positions;
}

/** Compares rows of the runs by (time, dimensions in schema order) through the dimension keys. */
class RowOrder {
  constructor(
    private readonly times: readonly Float64Array[],
    private readonly keys: readonly DimensionKeys[],
  ) {}

  compare(leftRun: number, leftRow: number, rightRun: number, rightRow: number): number {
    const leftTime = this.times[leftRun]![leftRow]!;
    const rightTime = this.times[rightRun]![rightRow]!;
    if (leftTime !== rightTime) return leftTime < rightTime ? -1 : 1;
    for (let index = 0; index < this.keys.length; index++) {
      const keys = this.keys[index]!;
      if (keys.kind === 'string') {
        const left = keys.ids[leftRun]![leftRow]!;
        const right = keys.ids[rightRun]![rightRow]!;
        if (left !== right) return left < right ? -1 : 1;
      } else {
        const left = keys.values[leftRun]![leftRow]!;
        const right = keys.values[rightRun]![rightRow]!;
        if (left === right) continue;
        // NaN is null, which sorts first.
        if (left !== left) {
          if (right !== right) continue;
          return -1;
        }
        if (right !== right) return 1;
        return left < right ? -1 : 1;
      }
    }
    return 0;
  }
}

/** A binary min-heap of the runs with rows left, by their current row; ties go to the earlier run. */
class RunHeap {
  private readonly heap: Int32Array;
  private size = 0;
  private readonly rows: Uint32Array;

  constructor(
    private readonly order: RowOrder,
    private readonly times: readonly Float64Array[],
  ) {
    this.heap = new Int32Array(times.length);
    this.rows = new Uint32Array(times.length);
    for (let run = 0; run < times.length; run++) {
      if (times[run]!.length === 0) continue;
      this.heap[this.size++] = run;
      this.siftUp(this.size - 1);
    }
  }

  top(): number {
    return this.heap[0]!;
  }

  rowOf(run: number): number {
    return this.rows[run]!;
  }

  /** Moves the top run to its next row, dropping it when it has none. */
  advanceTop(): void {
    const run = this.heap[0]!;
    if (++this.rows[run]! >= this.times[run]!.length) {
      this.heap[0] = this.heap[--this.size]!;
      if (this.size === 0) return;
    }
    this.siftDown(0);
  }

  private less(left: number, right: number): boolean {
    const order = this.order.compare(left, this.rows[left]!, right, this.rows[right]!);
    return order < 0 || (order === 0 && left < right);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(heap[index]!, heap[parent]!)) return;
      const swap = heap[index]!;
      heap[index] = heap[parent]!;
      heap[parent] = swap;
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= this.size) return;
      const right = left + 1;
      let smallest = this.less(heap[left]!, heap[index]!) ? left : index;
      if (right < this.size && this.less(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      const swap = heap[index]!;
      heap[index] = heap[smallest]!;
      heap[smallest] = swap;
      index = smallest;
    }
  }
}
