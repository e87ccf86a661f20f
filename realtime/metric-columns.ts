// Per-metric storage of the in-memory index: one value per index row, folded in place under rollup.
// Numeric metrics keep plain number arrays with NaN standing for null (inputs are never NaN).
import { assert } from '../cluster/errors.js';
import { HyperLogLog } from '../query/hyper-log-log.js';
import type { ColumnData } from '../segment-format/columns.js';
import { gatherColumn, type ColumnStorage } from './column-gather.js';
import { GrowableFloat64Array } from './growable-arrays.js';
import type { IngestionMetric } from './metrics-spec.js';
import { addToSketch, asLong, readNumericInput, type MetricInput, type MetricValue } from './metric-values.js';

export interface MetricColumn {
  /** Appends a row initialised from one input value; false when the input was present but unreadable. */
  append(raw: unknown): boolean;
  /** Folds one more input value into `row`; false when the input was present but unreadable. */
  fold(row: number, raw: unknown): boolean;
  /** Fast JSON path: appends a row from a JSON number (NaN for null/absent). Numeric metrics only. */
  appendNumber(value: number): void;
  /** Fast JSON path: folds a JSON number (NaN for null/absent) into `row`. Numeric metrics only. */
  foldNumber(row: number, value: number): void;
  /** The row's partial value (a sketch is the stored object itself, not a copy). */
  value(row: number): MetricValue;
  /** Parallel ingestion: every row's partial value (NaN for null), for another index. Numeric metrics only. */
  partialValues(): Float64Array;
  /** Parallel ingestion: appends rows holding another index's partial values (NaN for null). */
  appendPartials(values: Float64Array): void;
  /** Parallel ingestion: makes room for `count` more rows; `shared`: in shared memory (see growable-arrays.ts). */
  reserve(count: number, shared: boolean): void;
  /** Parallel ingestion: takes the storage of a partial's values that nothing reads any more (see IncrementalIndex.recycle). */
  recycle(values: Float64Array): void;
  /** Parallel ingestion: appends one row holding another index's partial value (NaN for null). */
  appendPartial(value: number): void;
  /** Parallel ingestion: combines another index's partial value (NaN for null) into `row`, as spills merge. */
  combinePartial(row: number, value: number): void;
  /** Drops every row. */
  /** Empties the column; `keepCapacity` keeps row storage for the next rows (nothing may still read it). */
  clear(keepCapacity?: boolean): void;
  /** The column of rows `order[0..]` in the segment column model (a copy). */
  snapshot(order: Uint32Array): ColumnData;
  /** The column's storage for gatherColumn (shared, not copied; valid until it changes); null for sketches. */
  storage(): ColumnStorage | null;
}

class CountColumn implements MetricColumn {
  private counts = new GrowableFloat64Array();

  append(): boolean {
    this.counts.push(1);
    return true;
  }

  fold(row: number): boolean {
    this.counts.data[row]!++;
    return true;
  }

  appendNumber(): void {
    this.counts.push(1);
  }

  foldNumber(row: number): void {
    this.counts.data[row]!++;
  }

  value(row: number): MetricValue {
    return this.counts.data[row]!;
  }

  partialValues(): Float64Array {
    return this.counts.data.subarray(0, this.counts.length);
  }

  appendPartials(values: Float64Array): void {
    this.counts.pushAll(values);
  }

  reserve(count: number, shared: boolean): void {
    this.counts.reserve(count, shared);
  }

  recycle(values: Float64Array): void {
    this.counts.adopt(values.buffer);
  }

  appendPartial(value: number): void {
    this.counts.push(value);
  }

  combinePartial(row: number, value: number): void {
    this.counts.data[row]! += value;
  }

  clear(keepCapacity = false): void {
    this.counts.clear(keepCapacity);
  }

  snapshot(order: Uint32Array): ColumnData {
    return gatherColumn(this.storage(), order);
  }

  storage(): ColumnStorage {
    return { kind: 'metric', storage: 'long', values: this.counts.data.subarray(0, this.counts.length) };
  }
}

class NumericColumn implements MetricColumn {
  private values = new GrowableFloat64Array();
  private readonly input: MetricInput = { value: null, ok: true };

  constructor(private readonly metric: IngestionMetric) {}

  append(raw: unknown): boolean {
    const { value, ok } = readNumericInput(this.metric.storage, raw, this.input);
    this.values.push(value === null ? Number.NaN : value);
    return ok;
  }

  fold(row: number, raw: unknown): boolean {
    const { value, ok } = readNumericInput(this.metric.storage, raw, this.input);
    if (value !== null) this.combine(row, value);
    return ok;
  }

  appendNumber(value: number): void {
    this.values.push(this.stored(value));
  }

  foldNumber(row: number, input: number): void {
    if (!Number.isNaN(input)) this.combine(row, this.stored(input));
  }

  /** Folds a stored (non-null) value into the row. */
  private combine(row: number, value: number): void {
    const values = this.values.data;
    const current = values[row]!;
    if (Number.isNaN(current)) values[row] = value;
    else if (this.metric.fold === 'sum') values[row] = this.metric.storage === 'long' ? asLong(current + value) : current + value;
    else if (this.metric.fold === 'min') values[row] = value < current ? value : current;
    else values[row] = value > current ? value : current;
  }

  /** The input as this metric stores it (as readNumericInput converts it). */
  private stored(value: number): number {
    const storage = this.metric.storage;
    return storage === 'long' ? asLong(value) : storage === 'float' ? Math.fround(value) : value;
  }

  value(row: number): MetricValue {
    const value = this.values.data[row]!;
    return Number.isNaN(value) ? null : value;
  }

  partialValues(): Float64Array {
    return this.values.data.subarray(0, this.values.length);
  }

  appendPartials(values: Float64Array): void {
    this.values.pushAll(values);
  }

  reserve(count: number, shared: boolean): void {
    this.values.reserve(count, shared);
  }

  recycle(values: Float64Array): void {
    this.values.adopt(values.buffer);
  }

  appendPartial(value: number): void {
    this.values.push(value);
  }

  combinePartial(row: number, value: number): void {
    if (!Number.isNaN(value)) this.combine(row, value);
  }

  clear(keepCapacity = false): void {
    this.values.clear(keepCapacity);
  }

  snapshot(order: Uint32Array): ColumnData {
    return gatherColumn(this.storage(), order);
  }

  storage(): ColumnStorage {
    return { kind: 'metric', storage: this.metric.storage as 'long' | 'float' | 'double', values: this.values.data.subarray(0, this.values.length) };
  }
}

/**
 * hyperUnique storage. A row that has seen one scalar keeps the raw string and becomes a sketch only
 * when a second value arrives or it is read: most rows of a high-cardinality index never roll up, and
 * a million retained sketch objects would dominate memory and GC.
 */
class SketchColumn implements MetricColumn {
  private values: (HyperLogLog | string | null)[] = [];

  append(raw: unknown): boolean {
    if (raw === null || raw === undefined) {
      this.values.push(null);
    } else if (Array.isArray(raw)) {
      const sketch = HyperLogLog.create();
      addToSketch(sketch, raw);
      this.values.push(sketch);
    } else {
      this.values.push(typeof raw === 'string' ? raw : String(raw));
    }
    return true;
  }

  fold(row: number, raw: unknown): boolean {
    if (raw === null || raw === undefined) return true;
    const sketch = this.value(row) ?? HyperLogLog.create();
    addToSketch(sketch, raw);
    this.values[row] = sketch;
    return true;
  }

  appendNumber(): void {
    assert(false, 'the fast JSON path does not feed hyperUnique metrics');
  }

  foldNumber(): void {
    assert(false, 'the fast JSON path does not feed hyperUnique metrics');
  }

  partialValues(): Float64Array {
    assert(false, 'parallel ingestion does not take hyperUnique metrics');
  }

  appendPartials(): void {
    assert(false, 'parallel ingestion does not take hyperUnique metrics');
  }

  appendPartial(): void {
    assert(false, 'parallel ingestion does not take hyperUnique metrics');
  }

  reserve(): void {}

  recycle(): void {}

  combinePartial(): void {
    assert(false, 'parallel ingestion does not take hyperUnique metrics');
  }

  /** The row's sketch (created from a kept raw value if needed); null when the row saw no value. */
  value(row: number): HyperLogLog | null {
    const stored = this.values[row]!;
    if (typeof stored !== 'string') return stored;
    const sketch = HyperLogLog.create();
    sketch.addString(stored);
    return sketch;
  }

  clear(): void {
    this.values = [];
  }

  storage(): null {
    return null;
  }

  snapshot(order: Uint32Array): ColumnData {
    const values: Uint8Array[] = [];
    let empty: Uint8Array | null = null;
    for (let index = 0; index < order.length; index++) {
      const sketch = this.value(order[index]!);
      values.push(sketch === null ? (empty ??= HyperLogLog.create().serialize()) : sketch.serialize());
    }
    return { kind: 'hyperUnique', values };
  }
}

export function createMetricColumn(metric: IngestionMetric): MetricColumn {
  if (metric.fold === 'count') return new CountColumn();
  if (metric.fold === 'hyperUnique') return new SketchColumn();
  return new NumericColumn(metric);
}
