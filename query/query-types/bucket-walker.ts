// Time-bucket indexes of time-sorted rows against precomputed bucket starts (consecutive granularity
// buckets): a range jumps bucket boundaries by binary search, explicit rows compare one boundary.
import { lowerBound } from './selected-rows.js';

export class BucketWalker {
  private bucket = 0;

  /** @param bucketStarts consecutive bucket starts; every row read is at or after the first. */
  constructor(
    private readonly time: Float64Array,
    private readonly bucketStarts: readonly number[],
  ) {}

  /** Writes the bucket of row startRow+i to out[i]; calls must ascend in rows. */
  assignRange(startRow: number, length: number, out: Uint32Array): void {
    const starts = this.bucketStarts;
    let position = 0;
    while (position < length) {
      const next = this.bucket + 1;
      const end = next < starts.length ? lowerBound(this.time, starts[next]!, startRow + position, startRow + length) - startRow : length;
      out.fill(this.bucket, position, end);
      position = end;
      if (position < length) this.bucket = next;
    }
  }

  /** Writes the bucket of rows[i] to out[i]; calls must ascend in rows. */
  assignRows(rows: Uint32Array, out: Uint32Array): void {
    const starts = this.bucketStarts;
    const time = this.time;
    let bucket = this.bucket;
    let boundaryMs = bucket + 1 < starts.length ? starts[bucket + 1]! : Number.POSITIVE_INFINITY;
    for (let index = 0; index < rows.length; index++) {
      const timeMs = time[rows[index]!]!;
      while (timeMs >= boundaryMs) {
        bucket++;
        boundaryMs = bucket + 1 < starts.length ? starts[bucket + 1]! : Number.POSITIVE_INFINITY;
      }
      out[index] = bucket;
    }
    this.bucket = bucket;
  }
}
