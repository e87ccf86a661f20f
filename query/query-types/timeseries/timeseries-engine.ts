// timeseries: per segment, one group per time bucket; merge by bucket; finalize in time order.
import { bucketBoundaries } from '../../granularities/parse-granularity.js';
import type { SegmentSlice } from '../../segment-slice.js';
import { checkDeadline } from '../deadline.js';
import { aggregateGroups } from '../grouped-aggregation.js';
import { combinePartials, emptyPartials, finalizeMetrics } from '../metric-values.js';
import { clippedIntervals } from '../selected-rows.js';
import { emptyAllTimestamp, formatBucketTimestamp } from '../timestamps.js';
import type { TimeseriesQuery } from './timeseries-query.js';

export interface TimeseriesPartial {
  readonly queryType: 'timeseries';
  /** Bucket start (for `all`: the earliest data timestamp) → aggregator partials. */
  readonly buckets: Map<number, unknown[]>;
}

export function runTimeseriesSegment(query: TimeseriesQuery, slice: SegmentSlice, deadlineMs: number): TimeseriesPartial {
  checkDeadline(deadlineMs);
  const buckets = new Map<number, unknown[]>();
  const clipped = clippedIntervals(slice);
  if (clipped.length === 0) return { queryType: 'timeseries', buckets };
  // A groupBy without dimensions: one group per bucket, on the same dense row-range loops.
  const groups = aggregateGroups({ ...query, dimensions: [], maxGroups: Number.POSITIVE_INFINITY }, slice, deadlineMs);
  const allTimestampMs = clipped[0]!.startMs;
  for (let group = 0; group < groups.groupCount; group++) {
    const startMs = query.granularity.isAll ? allTimestampMs : groups.bucketStarts[groups.groupBuckets[group]!]!;
    buckets.set(startMs, groups.partials(group));
  }
  if (!query.context.skipEmptyBuckets) fillEmptyBuckets(query, clipped, buckets);
  return { queryType: 'timeseries', buckets };
}

/** Druid fills the buckets inside the segment's data range that saw no rows with empty values. */
function fillEmptyBuckets(query: TimeseriesQuery, clipped: readonly { startMs: number; endMs: number }[], buckets: Map<number, unknown[]>): void {
  if (query.granularity.isAll) {
    const startMs = clipped[0]!.startMs;
    if (!buckets.has(startMs)) buckets.set(startMs, emptyPartials(query.aggregations));
    return;
  }
  for (const interval of clipped) {
    for (const startMs of bucketBoundaries(query.granularity, interval)) {
      if (!buckets.has(startMs)) buckets.set(startMs, emptyPartials(query.aggregations));
    }
  }
}

export function mergeTimeseriesPartials(query: TimeseriesQuery, left: TimeseriesPartial, right: TimeseriesPartial): TimeseriesPartial {
  for (const [startMs, partials] of right.buckets) {
    const existing = left.buckets.get(startMs);
    left.buckets.set(startMs, existing === undefined ? partials : combinePartials(query.aggregations, existing, partials));
  }
  if (query.granularity.isAll && left.buckets.size > 1) {
    // Each segment stamps `all` with its own earliest time; the merged row carries the earliest.
    const earliestMs = Math.min(...left.buckets.keys());
    let merged: unknown[] | null = null;
    for (const partials of left.buckets.values()) {
      merged = merged === null ? partials : combinePartials(query.aggregations, merged, partials);
    }
    left.buckets.clear();
    left.buckets.set(earliestMs, merged!);
  }
  return left;
}

export function finalizeTimeseries(query: TimeseriesQuery, merged: TimeseriesPartial | null): unknown[] {
  let entries = merged === null ? [] : [...merged.buckets];
  if (entries.length === 0 && query.granularity.isAll && !query.context.skipEmptyBuckets) {
    entries = [[emptyAllTimestamp(query.intervals), emptyPartials(query.aggregations)]];
  }
  entries.sort(query.descending ? (left, right) => right[0] - left[0] : (left, right) => left[0] - right[0]);
  if (query.limit !== null) entries = entries.slice(0, query.limit);
  const results: unknown[] = entries.map(([startMs, partials]) => ({
    timestamp: formatBucketTimestamp(query.granularity, startMs),
    result: finalizeMetrics(query.aggregations, query.postAggregations, partials, {}),
  }));
  if (query.context.grandTotal) {
    let totals = emptyPartials(query.aggregations);
    for (const [, partials] of entries) totals = combinePartials(query.aggregations, totals, partials);
    results.push({ timestamp: null, result: finalizeMetrics(query.aggregations, query.postAggregations, totals, {}) });
  }
  return results;
}
