// The partial result of groupBy and topN: groups keyed by (time bucket, dimension values), holding
// aggregator partials. Segments key on dictionary ids; here, across segments, groups key on values.
import type { AggregatorFactory } from '../aggregators/aggregator-factory.js';
import type { DimensionValue } from '../dimensions/dimension-value.js';
import { tooManyGroups, type SegmentGroups } from './grouped-aggregation.js';
import { combinePartials } from './metric-values.js';

export interface GroupRow {
  /** Bucket start; for granularity `all`, the earliest timestamp any segment reported. */
  timestampMs: number;
  readonly values: readonly DimensionValue[];
  partials: unknown[];
}

/** Groups by key; the key omits the time for `all` so segments with different timestamps merge. */
export type GroupRows = Map<string, GroupRow>;

/** Converts one segment's groups; `allTimestampMs` stamps every group when granularity is `all`. */
export function groupRowsOf(
  groups: SegmentGroups,
  aggregations: readonly AggregatorFactory[],
  dimensionCount: number,
  isAll: boolean,
  allTimestampMs: number,
): GroupRows {
  const rows: GroupRows = new Map();
  const values: DimensionValue[] = new Array<DimensionValue>(dimensionCount);
  for (let group = 0; group < groups.groupCount; group++) {
    const timestampMs = isAll ? allTimestampMs : groups.bucketStarts[groups.groupBuckets[group]!]!;
    for (let dimension = 0; dimension < dimensionCount; dimension++) values[dimension] = groups.value(group, dimension);
    const key = groupKey(isAll ? 0 : timestampMs, values);
    const partials = groups.partials(group);
    const existing = rows.get(key);
    // Distinct ids can convert to one value (e.g. "1" and "01" as LONG); such groups merge here.
    if (existing === undefined) rows.set(key, { timestampMs, values: [...values], partials });
    else existing.partials = combinePartials(aggregations, existing.partials, partials);
  }
  return rows;
}

export function groupKey(timestampMs: number, values: readonly DimensionValue[]): string {
  return JSON.stringify([timestampMs, ...values]);
}

/** Merges right into left; returns left. */
export function mergeGroupRows(
  aggregations: readonly AggregatorFactory[],
  left: GroupRows,
  right: GroupRows,
  maxGroups: number,
): GroupRows {
  for (const [key, row] of right) {
    const existing = left.get(key);
    if (existing === undefined) {
      if (left.size >= maxGroups) throw tooManyGroups(maxGroups);
      left.set(key, row);
    } else {
      existing.partials = combinePartials(aggregations, existing.partials, row.partials);
      existing.timestampMs = Math.min(existing.timestampMs, row.timestampMs);
    }
  }
  return left;
}
