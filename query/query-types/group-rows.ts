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

/**
 * A group's identity across segments: with granularity `all` and one dimension, the value itself (a
 * Map tells "1", 1 and null apart, and no key string is built per group); otherwise a string.
 */
export type GroupKey = string | number | null;

/** Groups by key; the key omits the time for `all` so segments with different timestamps merge. */
export type GroupRows = Map<GroupKey, GroupRow>;

/** Converts one segment's groups; `allTimestampMs` stamps every group when granularity is `all`. */
export function groupRowsOf(
  groups: SegmentGroups,
  aggregations: readonly AggregatorFactory[],
  dimensionCount: number,
  isAll: boolean,
  allTimestampMs: number,
): GroupRows {
  const rows: GroupRows = new Map();
  const valueKeyed = isAll && dimensionCount === 1;
  for (let group = 0; group < groups.groupCount; group++) {
    const timestampMs = isAll ? allTimestampMs : groups.bucketStarts[groups.groupBuckets[group]!]!;
    const values = new Array<DimensionValue>(dimensionCount);
    for (let dimension = 0; dimension < dimensionCount; dimension++) values[dimension] = groups.value(group, dimension);
    const key = valueKeyed ? values[0]! : groupKey(isAll ? 0 : timestampMs, values);
    const partials = groups.partials(group);
    const existing = rows.get(key);
    // Distinct ids can convert to one value (e.g. "1" and "01" as LONG); such groups merge here.
    if (existing === undefined) rows.set(key, { timestampMs, values, partials });
    else existing.partials = combinePartials(aggregations, existing.partials, partials);
  }
  return rows;
}

/**
 * The string key of a bucket and its values: each part is self-delimiting (strings carry their
 * length), so distinct tuples never share a key, and nothing is escaped as JSON would.
 */
export function groupKey(timestampMs: number, values: readonly DimensionValue[]): string {
  let key = `${timestampMs};`;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (value === null) key += 'z';
    else if (typeof value === 'string') key += `s${value.length}:${value}`;
    else key += `n${value};`;
  }
  return key;
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
