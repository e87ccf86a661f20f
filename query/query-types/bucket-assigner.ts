// Assigns time-sorted rows to granularity buckets by walking bucket boundaries alongside the rows:
// one granularity call per bucket change, not per row.
import type { Granularity } from '../granularity.js';

export class BucketAssigner {
  /** Start (ms) of each bucket index in first-seen, ascending order; `all` has the one start -Infinity. */
  readonly bucketStarts: number[] = [];
  private currentEndMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly granularity: Granularity) {
    if (granularity.isAll) this.bucketStarts.push(Number.NEGATIVE_INFINITY);
  }

  /** Writes the bucket index of rows[i] to out[i]; rows must ascend in time across all calls. */
  assign(time: Float64Array, rows: Uint32Array, length: number, out: Uint32Array): void {
    if (this.granularity.isAll) {
      out.fill(0, 0, length);
      return;
    }
    const starts = this.bucketStarts;
    let endMs = this.currentEndMs;
    let index = starts.length - 1;
    for (let position = 0; position < length; position++) {
      const timeMs = time[rows[position]!]!;
      if (timeMs >= endMs) {
        const startMs = this.granularity.bucketStart(timeMs);
        endMs = this.granularity.next(startMs);
        starts.push(startMs);
        index++;
      }
      out[position] = index;
    }
    this.currentEndMs = endMs;
  }
}
