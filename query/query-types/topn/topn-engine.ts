// topN: group by one dimension per bucket (dense ids per segment), merge every group exactly, then
// rank each bucket's finalized rows and keep the first `threshold`.
import type { SegmentSlice } from '../../segment-slice.js';
import { aggregateGroups } from '../grouped-aggregation.js';
import { emptyGroupRows, groupRowsOf, mergeGroupRows, type GroupRow, type GroupRows } from '../group-rows.js';
import { finalizeMetrics } from '../metric-values.js';
import { checkDeadline } from '../deadline.js';
import { clippedIntervals } from '../selected-rows.js';
import { formatBucketTimestamp } from '../timestamps.js';
import { topRows } from '../../limit/top-rows.js';
import { topNComparator } from './topn-ordering.js';
import type { TopNQuery } from './topn-query.js';

export interface TopNPartial {
  readonly queryType: 'topN';
  readonly rows: GroupRows;
}

export function runTopNSegment(query: TopNQuery, slice: SegmentSlice, deadlineMs: number): TopNPartial {
  checkDeadline(deadlineMs);
  const clipped = clippedIntervals(slice);
  if (clipped.length === 0) return { queryType: 'topN', rows: emptyGroupRows(1, query.granularity.isAll) };
  const spec = { ...query, dimensions: [query.dimension], maxGroups: query.context.maxGroups };
  const groups = aggregateGroups(spec, slice, deadlineMs);
  return { queryType: 'topN', rows: groupRowsOf(groups, query.aggregations, 1, query.granularity.isAll, clipped[0]!.startMs) };
}

export function mergeTopNPartials(query: TopNQuery, left: TopNPartial, right: TopNPartial): TopNPartial {
  return { queryType: 'topN', rows: mergeGroupRows(query.aggregations, left.rows, right.rows, query.context.maxGroups) };
}

export function finalizeTopN(query: TopNQuery, merged: TopNPartial | null): unknown[] {
  if (merged === null || merged.rows.list.length === 0) return [];
  const byBucket = new Map<number, GroupRow[]>();
  if (query.granularity.isAll) {
    const rows = merged.rows.list;
    let earliestMs = Number.POSITIVE_INFINITY;
    for (const row of rows) earliestMs = Math.min(earliestMs, row.timestampMs);
    byBucket.set(earliestMs, rows);
  } else {
    for (const row of merged.rows.list) {
      const bucket = byBucket.get(row.timestampMs);
      if (bucket === undefined) byBucket.set(row.timestampMs, [row]);
      else bucket.push(row);
    }
  }
  const { compare, keep } = topNComparator(query);
  return [...byBucket]
    .sort((left, right) => left[0] - right[0])
    .map(([timestampMs, rows]) => {
      const finalized = rows
        .map((row) => finalizeMetrics(query.aggregations, query.postAggregations, row.partials, { [query.dimension.outputName]: row.values[0] ?? null }))
        .filter(keep);
      const results = topRows(finalized, compare, query.threshold);
      return { timestamp: formatBucketTimestamp(query.granularity, timestampMs), result: results };
    });
}
