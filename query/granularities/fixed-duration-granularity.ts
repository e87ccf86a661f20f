// Buckets of a fixed width from an origin: `duration` granularities, the simple names up to `week`,
// and periods made only of fixed-length fields (in UTC, or hours and smaller in any zone, which Joda
// adds as absolute time). Pure arithmetic: this is the hot path for per-row bucketing.
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

export class FixedDurationGranularity implements Granularity {
  readonly isAll = false;
  readonly isNone = false;

  constructor(
    readonly json: unknown,
    /** Bucket width in ms, > 0. */
    readonly widthMs: number,
    /** An instant that starts a bucket. */
    readonly originMs: number,
    /** Zone the bucket starts are printed in; undefined is UTC. */
    readonly timeZone?: string,
  ) {}

  bucketStart(t: number): number {
    return Math.floor((t - this.originMs) / this.widthMs) * this.widthMs + this.originMs;
  }

  next(bucketStart: number): number {
    return bucketStart + this.widthMs;
  }

  format(t: number): string {
    return formatTimestamp(t, this.timeZone);
  }
}
