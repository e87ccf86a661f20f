// The partial result of groupBy and topN: groups keyed by (time bucket, dimension values), holding
// aggregator partials. Segments key on dictionary ids; here, across segments, groups key on values.
// One segment's groups are already distinct, so the value index is built only when a merge needs it.
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

/**
 * How a group's key is made: `value` (granularity `all`, one dimension: the value), `values` (`all`:
 * the values, without the time, so segments with different timestamps merge) or `bucket` (the bucket
 * start and the values).
 */
export type GroupKeying = 'value' | 'values' | 'bucket';

/** Groups with distinct keys, in first-seen order. Plain data, so partials travel as they are. */
export interface GroupRows {
  readonly list: GroupRow[];
  readonly keying: GroupKeying;
  /** Key → index in list; null until a merge needs it. */
  index: Map<GroupKey, number> | null;
}

export function emptyGroupRows(dimensionCount: number, isAll: boolean): GroupRows {
  return { list: [], keying: keyingOf(dimensionCount, isAll), index: null };
}

function keyingOf(dimensionCount: number, isAll: boolean): GroupKeying {
  return isAll ? (dimensionCount === 1 ? 'value' : 'values') : 'bucket';
}

/** Groups without aggregators share one empty partials array (it is never written to). */
const noPartials: unknown[] = [];

/** Converts one segment's groups; `allTimestampMs` stamps every group when granularity is `all`. */
export function groupRowsOf(
  groups: SegmentGroups,
  aggregations: readonly AggregatorFactory[],
  dimensionCount: number,
  isAll: boolean,
  allTimestampMs: number,
): GroupRows {
  const rows = emptyGroupRows(dimensionCount, isAll);
  const { list } = rows;
  for (let group = 0; group < groups.groupCount; group++) {
    const timestampMs = isAll ? allTimestampMs : groups.bucketStarts[groups.groupBuckets[group]!]!;
    const values = new Array<DimensionValue>(dimensionCount);
    for (let dimension = 0; dimension < dimensionCount; dimension++) values[dimension] = groups.value(group, dimension);
    list.push({ timestampMs, values, partials: aggregations.length === 0 ? noPartials : groups.partials(group) });
  }
  // Distinct ids can convert to one value (e.g. "1" and "01" as LONG); such groups merge now.
  if (!groups.distinctValues) return mergeGroupRows(aggregations, emptyGroupRows(dimensionCount, isAll), rows, Number.POSITIVE_INFINITY);
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

function keyOf(keying: GroupKeying, row: GroupRow): GroupKey {
  if (keying === 'value') return row.values[0]!;
  return groupKey(keying === 'values' ? 0 : row.timestampMs, row.values);
}

function indexOf(rows: GroupRows): Map<GroupKey, number> {
  if (rows.index === null) {
    const index = new Map<GroupKey, number>();
    for (let position = 0; position < rows.list.length; position++) index.set(keyOf(rows.keying, rows.list[position]!), position);
    rows.index = index;
  }
  return rows.index;
}

/** Merges right into left; returns left. */
export function mergeGroupRows(
  aggregations: readonly AggregatorFactory[],
  left: GroupRows,
  right: GroupRows,
  maxGroups: number,
): GroupRows {
  if (right.list.length === 0) return left;
  const index = indexOf(left);
  const { list } = left;
  for (const row of right.list) {
    const key = keyOf(left.keying, row);
    const position = index.get(key);
    if (position === undefined) {
      if (list.length >= maxGroups) throw tooManyGroups(maxGroups);
      index.set(key, list.length);
      list.push(row);
    } else {
      const existing = list[position]!;
      existing.partials = aggregations.length === 0 ? noPartials : combinePartials(aggregations, existing.partials, row.partials);
      existing.timestampMs = Math.min(existing.timestampMs, row.timestampMs);
    }
  }
  return left;
}
