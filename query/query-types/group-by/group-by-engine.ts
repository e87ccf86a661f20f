// groupBy: per segment, group on dictionary ids; merge groups by value; finalize with post-aggregators,
// having, ordering and limit.
import { limitSpecOrder, naturalOrder, type SortableRow } from '../../limit/row-comparator.js';
import { topRows } from '../../limit/top-rows.js';
import type { SegmentSlice } from '../../segment-slice.js';
import { checkDeadline } from '../deadline.js';
import { aggregateGroups } from '../grouped-aggregation.js';
import { emptyGroupRows, groupRowsOf, mergeGroupRows, type GroupRows } from '../group-rows.js';
import { finalizeMetricValues } from '../metric-values.js';
import { recordFactory } from '../record-factory.js';
import { clippedIntervals } from '../selected-rows.js';
import { emptyAllTimestamp, TimestampFormatter } from '../timestamps.js';
import type { GroupByQuery } from './group-by-query.js';

export interface GroupByPartial {
  readonly queryType: 'groupBy';
  readonly rows: GroupRows;
}

export function runGroupBySegment(query: GroupByQuery, slice: SegmentSlice, deadlineMs: number): GroupByPartial {
  checkDeadline(deadlineMs);
  if (clippedIntervals(slice).length === 0) return { queryType: 'groupBy', rows: emptyGroupRows(query.dimensions.length, query.granularity.isAll) };
  const groups = aggregateGroups({ ...query, maxGroups: query.context.maxGroups }, slice, deadlineMs);
  // With granularity `all` Druid stamps every row with the start of the first query interval.
  const allTimestampMs = emptyAllTimestamp(query.intervals);
  return { queryType: 'groupBy', rows: groupRowsOf(groups, query.aggregations, query.dimensions.length, query.granularity.isAll, allTimestampMs) };
}

export function mergeGroupByPartials(query: GroupByQuery, left: GroupByPartial, right: GroupByPartial): GroupByPartial {
  return { queryType: 'groupBy', rows: mergeGroupRows(query.aggregations, left.rows, right.rows, query.context.maxGroups) };
}

export function finalizeGroupBy(query: GroupByQuery, merged: GroupByPartial | null): unknown[] {
  if (merged === null) return [];
  const dimensionNames = query.dimensions.map((dimension) => dimension.outputName);
  const metricNames = [...query.aggregations.map((aggregator) => aggregator.name), ...query.postAggregations.map((postAggregator) => postAggregator.name)];
  const makeEvent = recordFactory([...dimensionNames, ...metricNames]);
  const values = new Array<unknown>(dimensionNames.length + metricNames.length);
  let rows: SortableRow[] = [];
  for (const row of merged.rows.list) {
    for (let index = 0; index < dimensionNames.length; index++) values[index] = row.values[index] ?? null;
    finalizeMetricValues(query.aggregations, query.postAggregations, row.partials, values, dimensionNames.length);
    const event = makeEvent(values);
    if (query.having === null || query.having.matches(event, row.timestampMs)) rows.push({ timestampMs: row.timestampMs, event });
  }
  const { limitSpec } = query;
  const order =
    limitSpec === null ? naturalOrder(dimensionNames) : limitSpecOrder(limitSpec, dimensionNames, query.aggregations, query.postAggregations, query.context.sortByDimsFirst);
  if (limitSpec === null || limitSpec.limit === null) {
    rows.sort(order);
    if (limitSpec !== null) rows = rows.slice(limitSpec.offset);
  } else {
    rows = topRows(rows, order, limitSpec.offset + limitSpec.limit).slice(limitSpec.offset);
  }
  const timestamps = new TimestampFormatter(query.granularity);
  return rows.map((row) => ({ version: 'v1', timestamp: timestamps.format(row.timestampMs), event: row.event }));
}
