// How result timestamps are chosen and printed.
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

/** A bucket's timestamp as Druid prints it: in the granularity's time zone, UTC for `all`. */
export function formatBucketTimestamp(granularity: Granularity, bucketStartMs: number): string {
  return granularity.isAll ? formatTimestamp(bucketStartMs) : granularity.format(bucketStartMs);
}

/**
 * The result timestamp of a query with granularity `all` when no row was found: Druid uses the start
 * of the first query interval (the epoch when there are no intervals).
 */
export function emptyAllTimestamp(intervals: readonly { readonly startMs: number }[]): number {
  return intervals[0]?.startMs ?? 0;
}

/**
 * Formats bucket timestamps, remembering the last one: result rows come grouped by bucket, so a
 * bucket's text is built once rather than once per row.
 */
export class TimestampFormatter {
  private lastMs = Number.NaN;
  private lastText = '';

  constructor(private readonly granularity: Granularity) {}

  format(bucketStartMs: number): string {
    if (bucketStartMs !== this.lastMs) {
      this.lastText = formatBucketTimestamp(this.granularity, bucketStartMs);
      this.lastMs = bucketStartMs;
    }
    return this.lastText;
  }
}
