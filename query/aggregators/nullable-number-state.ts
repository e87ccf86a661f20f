// Per-group state of a numeric aggregator whose result may be null: a value per group plus a "seen"
// flag (the group folded at least one non-null input). Shared by sum, min and max.
import { growFloat64, grownCapacity, growUint8 } from './grouped-arrays.js';

export class NullableNumberState {
  /** Per-group value; slots past the groups seen so far hold `initial`. */
  values = new Float64Array(0);
  /** Per-group flag: 1 once the group folded a non-null input. Same length as `values`. */
  seen = new Uint8Array(0);

  /** @param initial the value a group starts from (0 for sums, -Infinity for max). */
  constructor(private readonly initial: number) {}

  /** Grow both arrays to hold group ids below `needed`. */
  grow(needed: number): void {
    const capacity = grownCapacity(this.values.length, needed);
    this.values = growFloat64(this.values, capacity, this.initial);
    this.seen = growUint8(this.seen, capacity);
  }

  /** The group's value, or null if it folded no non-null input. */
  result(group: number): number | null {
    return group < this.seen.length && this.seen[group] === 1 ? this.values[group]! : null;
  }
}
