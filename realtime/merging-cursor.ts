// K-way merge of sorted row cursors (a binary heap ordered by row key). With rollup, rows with equal
// keys from any inputs fold into one row; without it they are emitted one after another, in input order.
import type { DimensionValue } from './dimension-values.js';
import { combineStoredValues, type MetricValue } from './metric-values.js';
import type { MetricFold, MetricStorage } from './metrics-spec.js';
import { compareRowKeys, type RowCursor, type RowKey } from './row-cursor.js';

export class MergingCursor implements RowCursor {
  private readonly heap: RowCursor[] = [];
  /** Each input's place in `inputs` (input order breaks ties). */
  private readonly positionOf = new Map<RowCursor, number>();
  private currentTime = 0;
  private readonly currentDimensions: DimensionValue[];
  private readonly currentMetrics: MetricValue[];
  private readonly currentKey: RowKey;

  constructor(
    private readonly inputs: readonly RowCursor[],
    private readonly dimensionCount: number,
    /** How each metric folds, and how it is stored (LONG sums saturate). */
    private readonly metrics: readonly { readonly fold: MetricFold; readonly storage: MetricStorage }[],
    private readonly rollup: boolean,
  ) {
    this.currentDimensions = new Array<DimensionValue>(dimensionCount).fill(null);
    this.currentMetrics = new Array<MetricValue>(metrics.length).fill(null);
    this.currentKey = { time: () => this.currentTime, dimension: (index) => this.currentDimensions[index]! };
    inputs.forEach((input, position) => this.positionOf.set(input, position));
    for (const input of inputs) if (input.next()) this.push(input);
  }

  next(): boolean {
    const top = this.pop();
    if (top === undefined) return false;
    this.currentTime = top.time();
    for (let index = 0; index < this.dimensionCount; index++) this.currentDimensions[index] = top.dimension(index);
    for (let index = 0; index < this.metrics.length; index++) this.currentMetrics[index] = top.metric(index);
    if (top.next()) this.push(top);
    if (this.rollup) this.foldEqualRows();
    return true;
  }

  private foldEqualRows(): void {
    while (this.heap.length > 0 && compareRowKeys(this.heap[0]!, this.currentKey, this.dimensionCount) === 0) {
      const input = this.pop()!;
      for (let index = 0; index < this.metrics.length; index++) {
        this.currentMetrics[index] = combineStoredValues(this.metrics[index]!, this.currentMetrics[index]!, input.metric(index));
      }
      if (input.next()) this.push(input);
    }
  }

  time(): number {
    return this.currentTime;
  }

  dimension(index: number): DimensionValue {
    return this.currentDimensions[index]!;
  }

  metric(index: number): MetricValue {
    return this.currentMetrics[index]!;
  }

  close(): void {
    for (const input of this.inputs) input.close();
  }

  /** Row order; equal keys go to the earlier input, so without rollup they keep input order. */
  private less(left: RowCursor, right: RowCursor): boolean {
    const order = compareRowKeys(left, right, this.dimensionCount);
    return order < 0 || (order === 0 && this.positionOf.get(left)! < this.positionOf.get(right)!);
  }

  private push(cursor: RowCursor): void {
    const heap = this.heap;
    heap.push(cursor);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private pop(): RowCursor | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && this.less(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && this.less(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return top;
  }
}
