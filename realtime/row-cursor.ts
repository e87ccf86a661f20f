// A forward-only stream of sorted ingestion rows: the in-memory index, a spilled segment, or a merge
// of several. Dimensions and metrics are addressed by their position in the task's final schema.
import { compareDimensionValues, type DimensionValue } from './dimension-values.js';
import type { MetricValue } from './metric-values.js';

/** The sort key of a row: time, then dimensions in schema order. */
export interface RowKey {
  /** __time of the current row (already truncated to the query granularity). */
  time(): number;
  /** Value of dimension `index` (schema position); null when the source lacks the dimension. */
  dimension(index: number): DimensionValue;
}

export interface RowCursor extends RowKey {
  /** Moves to the next row; false when there are no more. Call once before reading the first row. */
  next(): boolean;
  /** Partial value of metric `index`. A sketch belongs to the caller after this call (it may be mutated). */
  metric(index: number): MetricValue;
  /** Releases files and memory. Idempotent. */
  close(): void;
}

/** Order of two rows by (time, dimensions 0..dimensionCount-1). */
export function compareRowKeys(left: RowKey, right: RowKey, dimensionCount: number): number {
  const leftTime = left.time();
  const rightTime = right.time();
  if (leftTime !== rightTime) return leftTime < rightTime ? -1 : 1;
  for (let index = 0; index < dimensionCount; index++) {
    const order = compareDimensionValues(left.dimension(index), right.dimension(index));
    if (order !== 0) return order;
  }
  return 0;
}
