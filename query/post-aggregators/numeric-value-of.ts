// Reads a post-aggregator input as a number. Inputs are usually numbers, but fieldAccess hands over
// partial values, so sketches report their estimate and first/last pairs their value.
import { HyperLogLog } from '../hyper-log-log.js';

/** The input as a number, or null for null, undefined and values with no numeric reading. */
export function numericValueOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return null;
  if (value instanceof HyperLogLog) return value.estimate();
  if (typeof value === 'object' && 'timeMs' in value && 'value' in value) return numericValueOf(value.value);
  if (typeof value === 'string') {
    const number = Number(value);
    return value.trim() === '' || Number.isNaN(number) ? null : number;
  }
  return null;
}
