// Partial values of the HyperLogLog aggregators (cardinality, hyperUnique). In memory a partial is a
// HyperLogLog; after a trip through JSON (between servers) it is base64 text, and raw bytes are
// accepted too, so combine and finalize take any of the three.
import { SedimentError } from '../../cluster/errors.js';
import { HyperLogLog } from '../hyper-log-log.js';

/** The partial as a sketch; null or undefined give null. */
export function toSketch(value: unknown): HyperLogLog | null {
  if (value === null || value === undefined) return null;
  if (value instanceof HyperLogLog) return value;
  if (value instanceof Uint8Array) return HyperLogLog.deserialize(value);
  if (typeof value === 'string') return HyperLogLog.fromBase64(value);
  throw new SedimentError('internal', `assertion failed: a HyperLogLog partial, got ${typeof value}`);
}

/** Union of two partials; mutates and returns the left sketch when it is one. */
export function combineSketches(left: unknown, right: unknown): HyperLogLog {
  const leftSketch = toSketch(left);
  const rightSketch = toSketch(right);
  if (leftSketch === null) return rightSketch ?? HyperLogLog.create();
  if (rightSketch === null) return leftSketch;
  return leftSketch.merge(rightSketch);
}

/** The estimate of a partial (0 for null; an already finalized number as is), rounded if `round`. */
export function estimateOf(partial: unknown, round: boolean): number {
  if (typeof partial === 'number') return round ? Math.round(partial) : partial;
  const sketch = toSketch(partial);
  if (sketch === null) return 0;
  const estimate = sketch.estimate();
  return round ? Math.round(estimate) : estimate;
}
