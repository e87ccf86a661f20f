// The final merge of batch ingestion's sorted runs, done on columns. The runs are laid end to end in
// one shared array per column by a RunStore (SharedArrayBuffers, so the ingestion workers read them in
// place): string dimensions as ids into the sorted union of the runs' dictionaries, numeric
// dimensions and metrics as float64 with NaN for null (LONG metrics in 1-, 2- or 4-byte integers while
// their values fit, see storedNullOf). A k-way heap merge over the runs then yields
// the merged order as positions into those arrays, and each final segment's columns are gathered
// along that order by the workers that encode them (gatherColumn), as columns of the in-memory
// index are. Only under rollup, where equal keys fold, are metric columns folded here.
//
// Applies when every dimension is single-valued (string) or numeric and every metric is numeric
// (count, sum, min, max); otherwise `of` returns null and the caller merges row by row. Rows with
// equal keys keep input order (runs are in input order, rows within a run in index order); under
// rollup they fold in that order.
import RoaringModule from 'roaring';
import { assert } from '../cluster/errors.js';
import type { ColumnData, Dictionary } from '../segment-format/columns.js';
import type { DimensionSchema } from './dimensions-spec.js';
import { asLong } from './metric-values.js';
import type { IngestionMetric, MetricFold } from './metrics-spec.js';
import type { SortedRun } from './run-file.js';
import { gatherColumn, storedNullOf, type ColumnStorage } from './column-gather.js';
import { RunStore, type StoredIds, type StoredValues } from './run-store.js';
import type { ColumnSource } from './sorted-index-rows.js';

const { RoaringBitmap32 } = RoaringModule;

/** Merged positions between abort checks. */
const CHECK_INTERVAL = 1 << 16;

type NumericStorage = 'long' | 'float' | 'double';

/** One dimension across the runs, in a form the comparison reads without decoding values. */
type DimensionKeys =
  | {
      readonly kind: 'string';
      /** The sorted union of the runs' dictionaries (null first when present). */
      readonly dictionary: Dictionary;
      /** Per position (runs end to end): the id in `dictionary`. Shared. */
      readonly ids: StoredIds;
    }
  | {
      readonly kind: NumericStorage;
      /** Per position: the value, NaN for null (null sorts first). Shared. */
      readonly values: Float64Array;
    };

/** The merged rows: output row o is the merged positions [starts[o], starts[o + 1]) (one unless rolled up). */
export interface MergedRows {
  readonly times: Float64Array;
  readonly rowCount: number;
}

export class RunMerge implements MergedRows {
  times = new Float64Array(0);
  rowCount = 0;
  /** Positions in merged order (shared): without folding, output row o is position order[o]. */
  private merged: Uint32Array<SharedArrayBuffer> = new Uint32Array(new SharedArrayBuffer(0));
  /** Under rollup with folding: output row o is merged[starts[o] .. starts[o + 1]); else null. */
  private starts: Uint32Array | null = null;
  /** Output row → its first position (shared): `merged` itself unless rows folded. */
  private order: Uint32Array<SharedArrayBuffer> = this.merged;

  private constructor(
    /** Run r holds positions [runStarts[r], runStarts[r + 1]). */
    private readonly runStarts: Uint32Array,
    private readonly positionTimes: Float64Array,
    private readonly dimensions: readonly DimensionSchema[],
    private readonly metrics: readonly IngestionMetric[],
    private readonly keys: readonly DimensionKeys[],
    /** Per metric, per position: the partial value, storedNullOf(values) for null. Shared. */
    private readonly metricValues: readonly StoredValues[],
  ) {}

  /**
   * Lays out sorted runs read back from files or segments for merging, through a RunStore; they must
   * be sorted by (time, dimensions in schema order). Null when some column is not of a shape this
   * merge handles. Reads each run's columns once; the runs stay the caller's.
   */
  static of(runs: readonly SortedRun[], dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[]): RunMerge | null {
    if (!shapeApplies(runs, dimensions, metrics)) return null;
    const rows = runs.reduce((total, run) => total + run.rowCount, 0);
    const store = new RunStore(rows);
    const names = [...dimensions.map((dimension) => dimension.name), ...metrics.map((metric) => metric.name)];
    for (const run of runs) store.addSortedRun(run, names, rows);
    return RunMerge.fromStore(store, dimensions, metrics);
  }

  /**
   * Prepares the merge of the runs in `store` (sorted by (time, dimensions in schema order)); call
   * after the store's last run. The merge reads the store's arrays in place.
   */
  static fromStore(store: RunStore, dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[]): RunMerge {
    const rows = store.rowCount;
    const keys = dimensions.map((dimension): DimensionKeys => {
      if (dimension.type !== 'string') return { kind: dimension.type, values: float64Of(store.numbers(dimension.name) ?? allNull(rows)) };
      // No run had the dimension: every row is null.
      return { kind: 'string', ...(store.unitedStrings(dimension.name) ?? { dictionary: [null], ids: new Uint8Array(new SharedArrayBuffer(rows)) }) };
    });
    const metricValues: StoredValues[] = metrics.map((metric) => store.numbers(metric.name) ?? allNull(rows));
    return new RunMerge(store.starts(), store.allTimes(), dimensions, metrics, keys, metricValues);
  }

  /** Computes the merged order (folding equal keys when `rollup`); throws the signal's reason when aborted. */
  merge(rollup: boolean, signal?: AbortSignal): void {
    const total = this.positionTimes.length;
    const merged = new Uint32Array(new SharedArrayBuffer(total * 4));
    const order = new PositionOrder(this.positionTimes, this.keys);
    const heap = new RunHeap(order, this.runStarts, this.positionTimes);
    let nextCheck = 0;
    for (let position = 0; position < total; ) {
      if (position >= nextCheck) {
        signal?.throwIfAborted();
        nextCheck = position + CHECK_INTERVAL;
      }
      // Input read in time order spills runs that barely overlap: whole stretches of the top run come
      // before every other run's next row, and are taken at once.
      const [from, to] = heap.takeTopStretch();
      for (let at = from; at < to; at++) merged[position++] = at;
    }
    this.merged = merged;
    let rows = total;
    if (rollup) {
      const starts = new Uint32Array(total + 1);
      rows = 0;
      for (let position = 0; position < total; position++) {
        if (rows > 0 && order.compare(merged[position - 1]!, merged[position]!) === 0) continue;
        starts[rows++] = position;
      }
      starts[rows] = total;
      if (rows < total) {
        this.starts = starts.subarray(0, rows + 1);
        this.order = new Uint32Array(new SharedArrayBuffer(rows * 4));
        for (let row = 0; row < rows; row++) this.order[row] = merged[starts[row]!]!;
      }
    }
    if (this.starts === null) this.order = merged;
    this.rowCount = rows;
    this.times = new Float64Array(rows);
    for (let row = 0; row < rows; row++) this.times[row] = this.positionTimes[this.order[row]!]!;
  }

  /** The segment columns of output rows [from, to): dimensions in schema order, then metrics. */
  columnSources(from: number, to: number): ColumnSource[] {
    const gathered = (name: string, storage: ColumnStorage): ColumnSource => ({
      name,
      produce: () => gatherColumn(storage, this.order.subarray(from, to)),
      gather: () => ({ storage, order: this.order.buffer, start: from, end: to }),
    });
    const sources = this.dimensions.map((dimension, index) => gathered(dimension.name, this.dimensionStorage(index)));
    this.metrics.forEach((metric, index) => {
      const storage = metric.storage as NumericStorage;
      if (this.starts === null) sources.push(gathered(metric.name, { kind: 'metric', storage, values: this.metricValues[index]! }));
      else sources.push({ name: metric.name, produce: () => this.foldedMetric(index, from, to), gather: null });
    });
    return sources;
  }

  private dimensionStorage(index: number): ColumnStorage {
    const keys = this.keys[index]!;
    if (keys.kind !== 'string') return { kind: 'metric', storage: keys.kind, values: keys.values };
    // The united dictionary is sorted, so rank order is id order.
    const byRank = new Int32Array(new SharedArrayBuffer(keys.dictionary.length * 4));
    for (let id = 0; id < byRank.length; id++) byRank[id] = id;
    return { kind: 'stringDimension', keys: keys.ids, values: keys.dictionary, lists: [], byRank };
  }

  /** A metric of output rows [from, to), each the fold of its rows' partial values in merged order. */
  private foldedMetric(index: number, from: number, to: number): ColumnData {
    const starts = this.starts!;
    const metric = this.metrics[index]!;
    const source = this.metricValues[index]!;
    const nullValue = storedNullOf(source);
    const fold = metric.fold;
    const saturate = fold === 'sum' && metric.storage === 'long';
    const values = new Float64Array(to - from);
    for (let row = from; row < to; row++) {
      let value = Number.NaN;
      for (let at = starts[row]!; at < starts[row + 1]!; at++) {
        const partial = source[this.merged[at]!]!;
        value = foldValues(fold, value, partial === nullValue ? Number.NaN : partial);
        // A LONG sum saturates at the int64 range at each step, as sums within one index do (metric-columns.ts).
        if (saturate) value = asLong(value);
      }
      values[row - from] = value;
    }
    const order = new Uint32Array(values.length);
    for (let row = 0; row < order.length; row++) order[row] = row;
    return gatherColumn({ kind: 'metric', storage: metric.storage as NumericStorage, values }, order);
  }
}

/** Folds two partial values, NaN standing for null (null folds as nothing, as combineMetricValues does). */
function foldValues(fold: MetricFold, left: number, right: number): number {
  if (left !== left) return right;
  if (right !== right) return left;
  if (fold === 'min') return right < left ? right : left;
  if (fold === 'max') return right > left ? right : left;
  return left + right;
}

function allNull(rows: number): Float64Array<SharedArrayBuffer> {
  return new Float64Array(new SharedArrayBuffer(rows * 8)).fill(Number.NaN);
}

/** Stored numbers as float64 (NaN for null). A numeric dimension is stored so already; this guards the compare. */
function float64Of(values: StoredValues | Float64Array): Float64Array {
  if (values instanceof Float64Array) return values;
  const wide = new Float64Array(new SharedArrayBuffer(values.length * 8));
  const nullValue = storedNullOf(values);
  for (let position = 0; position < values.length; position++) wide[position] = values[position] === nullValue ? Number.NaN : values[position]!;
  return wide;
}

function shapeApplies(runs: readonly SortedRun[], dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[]): boolean {
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

/** The first position in [from, to) whose time is at least `timeMs` (times ascend there), else `to`. */
function firstTimeAtLeast(times: Float64Array, timeMs: number, from: number, to: number): number {
  // Gallop first: the stretch is often short, and binary search over a whole run would touch far rows.
  let step = 1;
  let low = from;
  let high = from + 1;
  while (high < to && times[high]! < timeMs) {
    low = high + 1;
    step *= 2;
    high = Math.min(to, high + step);
  }
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Compares positions by (time, dimensions in schema order) through the dimension keys. */
class PositionOrder {
  constructor(
    private readonly times: Float64Array,
    private readonly keys: readonly DimensionKeys[],
  ) {}

  compare(left: number, right: number): number {
    const leftTime = this.times[left]!;
    const rightTime = this.times[right]!;
    if (leftTime !== rightTime) return leftTime < rightTime ? -1 : 1;
    for (let index = 0; index < this.keys.length; index++) {
      const keys = this.keys[index]!;
      if (keys.kind === 'string') {
        const leftId = keys.ids[left]!;
        const rightId = keys.ids[right]!;
        if (leftId !== rightId) return leftId < rightId ? -1 : 1;
      } else {
        const leftValue = keys.values[left]!;
        const rightValue = keys.values[right]!;
        if (leftValue === rightValue) continue;
        // NaN is null, which sorts first.
        if (leftValue !== leftValue) {
          if (rightValue !== rightValue) continue;
          return -1;
        }
        if (rightValue !== rightValue) return 1;
        return leftValue < rightValue ? -1 : 1;
      }
    }
    return 0;
  }
}

/** A binary min-heap of the runs with positions left, by their current position; ties go to the earlier run. */
class RunHeap {
  private readonly heap: Int32Array;
  private size = 0;
  /** Per run: its current position and its end. */
  private readonly current: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(
    private readonly order: PositionOrder,
    runStarts: Uint32Array,
    /** Per position: its time (the order's first key). */
    private readonly times: Float64Array,
  ) {
    const runs = runStarts.length - 1;
    this.heap = new Int32Array(runs);
    this.current = runStarts.slice(0, runs);
    this.ends = runStarts.slice(1);
    for (let run = 0; run < runs; run++) {
      if (this.current[run] === this.ends[run]) continue;
      this.heap[this.size++] = run;
      this.siftUp(this.size - 1);
    }
  }

  /**
   * Takes the smallest current position and, with it, the positions after it in its run that are
   * earlier in time than every other run's current row (ties need the full comparison, so they are
   * taken one at a time): returns them as [from, to). The run moves past them (and leaves the heap
   * when it has no more).
   */
  takeTopStretch(): [number, number] {
    assert(this.size > 0, 'the heap holds a run while positions are left');
    const run = this.heap[0]!;
    const from = this.current[run]!;
    const end = this.ends[run]!;
    let to = from + 1;
    if (this.size === 1) to = end;
    else {
      // The second smallest run is a child of the root.
      const second = this.size === 2 || this.less(this.heap[1]!, this.heap[2]!) ? this.heap[1]! : this.heap[2]!;
      const secondTime = this.times[this.current[second]!]!;
      if (to < end && this.times[to]! < secondTime) to = firstTimeAtLeast(this.times, secondTime, to, end);
    }
    this.current[run] = to;
    if (to >= end) {
      this.heap[0] = this.heap[--this.size]!;
      if (this.size === 0) return [from, to];
    }
    this.siftDown(0);
    return [from, to];
  }

  private less(left: number, right: number): boolean {
    const order = this.order.compare(this.current[left]!, this.current[right]!);
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
