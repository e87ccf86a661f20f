// The bucket starts covering an interval, used to emit empty timeseries buckets.
import { invalidInput } from '../../cluster/errors.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { Granularity } from '../granularity.js';

export const BUCKET_COUNT_MAX = 1_000_000;

/**
 * Starts of the buckets that overlap [startMs, endMs): the first is bucketStart(startMs) (which may
 * precede startMs). `all` yields the interval start alone; an empty interval yields nothing.
 * More than BUCKET_COUNT_MAX buckets is an invalidInput error rather than an out-of-memory.
 */
export function bucketBoundaries(granularity: Granularity, interval: TimeInterval): number[] {
  if (interval.endMs <= interval.startMs) return [];
  if (granularity.isAll) return [interval.startMs];
  const starts: number[] = [];
  for (let start = granularity.bucketStart(interval.startMs); start < interval.endMs; start = granularity.next(start)) {
    if (starts.length === BUCKET_COUNT_MAX) {
      throw invalidInput('granularity', `the query would produce more than ${BUCKET_COUNT_MAX} time buckets; use a coarser granularity or a shorter interval`);
    }
    starts.push(start);
  }
  return starts;
}
