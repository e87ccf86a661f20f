// The order and the previousStop cut of a topN metric spec over finalized result rows.
import type { DimensionValue } from '../../dimensions/dimension-value.js';
import { compareDimensionValues, compareStrings } from '../../limit/string-comparators.js';
import { postAggregatorComparator } from '../../post-aggregators/post-aggregator-ordering.js';
import { assert } from '../../../cluster/errors.js';
import type { TopNMetricSpec, TopNQuery } from './topn-query.js';

type ResultRow = Readonly<Record<string, unknown>>;

export interface TopNOrdering {
  /** Best row first. */
  readonly compare: (left: ResultRow, right: ResultRow) => number;
  /** False for rows a dimension spec's previousStop discards. */
  readonly keep: (row: ResultRow) => boolean;
}

export function topNComparator(query: TopNQuery): TopNOrdering {
  const dimension = query.dimension.outputName;
  const tieBreak = (left: ResultRow, right: ResultRow): number =>
    compareDimensionValues('lexicographic', left[dimension] as DimensionValue, right[dimension] as DimensionValue);
  return build(query, query.metric, dimension, tieBreak, false);
}

function build(
  query: TopNQuery,
  spec: TopNMetricSpec,
  dimension: string,
  tieBreak: (left: ResultRow, right: ResultRow) => number,
  inverted: boolean,
): TopNOrdering {
  const sign = inverted ? -1 : 1;
  switch (spec.type) {
    case 'inverted':
      return build(query, spec.delegate, dimension, tieBreak, !inverted);
    case 'numeric': {
      const metricOrder = metricComparator(query, spec.metric);
      return {
        compare: (left, right) => -sign * metricOrder(left[spec.metric], right[spec.metric]) || tieBreak(left, right),
        keep: () => true,
      };
    }
    case 'dimension': {
      const { ordering, previousStop } = spec;
      const order = (left: ResultRow, right: ResultRow): number =>
        compareDimensionValues(ordering, left[dimension] as DimensionValue, right[dimension] as DimensionValue);
      const keep = (row: ResultRow): boolean => {
        if (previousStop === null) return true;
        const value = row[dimension] as DimensionValue;
        const comparison = compareStrings(ordering, value === null ? null : String(value), previousStop);
        return sign * comparison > 0;
      };
      return { compare: (left, right) => sign * order(left, right), keep };
    }
  }
}

/** Ascending order of a metric's finalized values, nulls first. */
function metricComparator(query: TopNQuery, metric: string): (left: unknown, right: unknown) => number {
  const aggregator = query.aggregations.find((candidate) => candidate.name === metric);
  if (aggregator !== undefined) return (left, right) => aggregator.compare(left, right);
  const postAggregator = query.postAggregations.find((candidate) => candidate.name === metric);
  assert(postAggregator !== undefined, `topN metric "${metric}" names an aggregator or post-aggregator (checked at parse time)`);
  return postAggregatorComparator(postAggregator);
}
