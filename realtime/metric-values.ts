// Metric values during ingestion and how two partial values combine (rollup in the index, and again
// when spills merge). SQL-compatible nulls: a sum/min/max of no non-null inputs is null.
import { HyperLogLog } from '../query/hyper-log-log.js';
import { toNumber } from './dimension-values.js';
import type { MetricFold, MetricStorage } from './metrics-spec.js';

/** A partial metric value: a number, null, or a hyperUnique sketch (an object, or its serialized bytes as read from a spill). */
export type MetricValue = number | null | HyperLogLog | Uint8Array;

/**
 * Combines two partial values of a metric. Count partials add up (a count of counts is their sum).
 * May mutate and return `left` (sketches); callers pass values they own.
 */
export function combineMetricValues(fold: MetricFold, left: MetricValue, right: MetricValue): MetricValue {
  if (left === null) return right;
  if (right === null) return left;
  if (fold === 'hyperUnique') {
    const sketch = left instanceof Uint8Array ? HyperLogLog.deserialize(left) : (left as HyperLogLog);
    return right instanceof Uint8Array ? sketch.mergeSerialized(right) : sketch.merge(right as HyperLogLog);
  }
  const leftNumber = left as number;
  const rightNumber = right as number;
  if (fold === 'min') return rightNumber < leftNumber ? rightNumber : leftNumber;
  if (fold === 'max') return rightNumber > leftNumber ? rightNumber : leftNumber;
  return leftNumber + rightNumber;
}

/**
 * combineMetricValues for a metric stored as `storage`: a LONG sum saturates at the int64 range, as
 * sums within one index do (metric-columns.ts), so merging runs never yields a value no LONG column holds.
 */
export function combineStoredValues(metric: { readonly fold: MetricFold; readonly storage: MetricStorage }, left: MetricValue, right: MetricValue): MetricValue {
  const combined = combineMetricValues(metric.fold, left, right);
  return metric.fold === 'sum' && metric.storage === 'long' && typeof combined === 'number' ? asLong(combined) : combined;
}

const LONG_MIN = -9223372036854775808;
/** The largest float64 below 2^63. */
const LONG_MAX = 9223372036854774784;

/**
 * A number as a LONG column holds it: truncated toward zero and saturated at the int64 range, as
 * Java's (long) cast of a double saturates (so an input like 1e400 stores as the largest long, not
 * as a value no segment can hold).
 */
export function asLong(value: number): number {
  const truncated = Math.trunc(value);
  return truncated >= LONG_MAX ? LONG_MAX : truncated < LONG_MIN ? LONG_MIN : truncated;
}

/** Result of reading one input value for a metric. */
export interface MetricInput {
  /** The value to fold in (null when absent or unreadable). */
  value: number | null;
  /** False when the input was present but not numeric (the row is then "processed with error"). */
  ok: boolean;
}

/** Reads a numeric metric's input, truncating for long storage; `into` is reused to avoid allocation. */
export function readNumericInput(storage: MetricStorage, raw: unknown, into: MetricInput): MetricInput {
  const number = toNumber(raw);
  if (number === undefined) {
    into.value = null;
    into.ok = false;
  } else {
    into.value = number === null ? null : storage === 'long' ? asLong(number) : storage === 'float' ? Math.fround(number) : number;
    into.ok = true;
  }
  return into;
}

/** Adds a raw input to a sketch: each element of a list, nothing for null (Druid's hyperUnique ingestion). */
export function addToSketch(sketch: HyperLogLog, raw: unknown): void {
  if (raw === null || raw === undefined) return;
  if (Array.isArray(raw)) {
    for (const element of raw) if (element !== null && element !== undefined) sketch.addString(String(element));
    return;
  }
  sketch.addString(typeof raw === 'string' ? raw : String(raw));
}
