// Comparators over finalized groupBy rows: the natural order (time, then dimensions ascending) and a
// limitSpec's column order, with time first unless sortByDimsFirst, natural order breaking ties.
import type { AggregatorFactory } from '../aggregators/aggregator-factory.js';
import type { DimensionValue } from '../dimensions/dimension-value.js';
import type { PostAggregator } from '../post-aggregators/post-aggregator.js';
import { postAggregatorComparator } from '../post-aggregators/post-aggregator-ordering.js';
import type { LimitSpec } from './limit-spec.js';
import { compareDimensionValues, type StringOrdering } from './string-comparators.js';
import { assert } from '../../cluster/errors.js';

/** A finalized row with its bucket time. */
export interface SortableRow {
  readonly timestampMs: number;
  readonly event: Readonly<Record<string, unknown>>;
}

export type RowComparator = (left: SortableRow, right: SortableRow) => number;

const byTime: RowComparator = (left, right) => left.timestampMs - right.timestampMs;

export function naturalOrder(dimensionNames: readonly string[]): RowComparator {
  return (left, right) => {
    const time = byTime(left, right);
    if (time !== 0) return time;
    for (const name of dimensionNames) {
      const comparison = compareDimensionValues('lexicographic', left.event[name] as DimensionValue, right.event[name] as DimensionValue);
      if (comparison !== 0) return comparison;
    }
    return 0;
  };
}

export function limitSpecOrder(
  limitSpec: LimitSpec,
  dimensionNames: readonly string[],
  aggregations: readonly AggregatorFactory[],
  postAggregations: readonly PostAggregator[],
  sortByDimsFirst: boolean,
): RowComparator {
  const natural = naturalOrder(dimensionNames);
  if (limitSpec.columns.length === 0) return natural;
  const columnComparators = limitSpec.columns.map((column): RowComparator => {
    const sign = column.direction === 'descending' ? -1 : 1;
    const compareValues = valueComparator(column.dimension, column.dimensionOrder, dimensionNames, aggregations, postAggregations);
    return (left, right) => sign * compareValues(left.event[column.dimension], right.event[column.dimension]);
  });
  const columns: RowComparator = (left, right) => {
    for (const comparator of columnComparators) {
      const comparison = comparator(left, right);
      if (comparison !== 0) return comparison;
    }
    return 0;
  };
  const primary: RowComparator = sortByDimsFirst
    ? (left, right) => columns(left, right) || byTime(left, right)
    : (left, right) => byTime(left, right) || columns(left, right);
  return (left, right) => primary(left, right) || natural(left, right);
}

type ValueComparator = (left: unknown, right: unknown) => number;

/** Dimensions by their dimensionOrder; aggregators and post-aggregators by their own comparators. */
function valueComparator(
  name: string,
  dimensionOrder: StringOrdering,
  dimensionNames: readonly string[],
  aggregations: readonly AggregatorFactory[],
  postAggregations: readonly PostAggregator[],
): ValueComparator {
  if (dimensionNames.includes(name)) {
    return (left, right) => compareDimensionValues(dimensionOrder, left as DimensionValue, right as DimensionValue);
  }
  const aggregator = aggregations.find((candidate) => candidate.name === name);
  if (aggregator !== undefined) return (left, right) => aggregator.compare(left, right);
  const postAggregator = postAggregations.find((candidate) => candidate.name === name);
  assert(postAggregator !== undefined, `limitSpec column "${name}" names a dimension or metric (checked at parse time)`);
  return postAggregatorComparator(postAggregator);
}
