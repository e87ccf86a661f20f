// Aggregator partials of one result row: empty, combine, and finalize together with post-aggregators.
import type { AggregatorFactory, GroupedAccumulator } from '../aggregators/aggregator-factory.js';
import type { PostAggregator } from '../post-aggregators/post-aggregator.js';

export function emptyPartials(aggregations: readonly AggregatorFactory[]): unknown[] {
  return aggregations.map((aggregator) => aggregator.empty());
}

/** Combines right into left position by position; returns left. */
export function combinePartials(aggregations: readonly AggregatorFactory[], left: unknown[], right: readonly unknown[]): unknown[] {
  for (let index = 0; index < aggregations.length; index++) {
    left[index] = aggregations[index]!.combine(left[index], right[index]);
  }
  return left;
}

export function partialsOfGroup(accumulators: readonly GroupedAccumulator[], group: number): unknown[] {
  return accumulators.map((accumulator) => accumulator.result(group));
}

/**
 * Writes finalized aggregator values and then post-aggregator values into `into`. Post-aggregators
 * see partial aggregator values and may finalize them, as Druid's fieldAccess/finalizingFieldAccess do.
 */
export function finalizeMetrics(
  aggregations: readonly AggregatorFactory[],
  postAggregations: readonly PostAggregator[],
  partials: readonly unknown[],
  into: Record<string, unknown>,
): Record<string, unknown> {
  if (postAggregations.length > 0) {
    const row: Record<string, unknown> = {};
    aggregations.forEach((aggregator, index) => (row[aggregator.name] = partials[index]));
    const finalize = (name: string, value: unknown): unknown => {
      const aggregator = aggregations.find((candidate) => candidate.name === name);
      return aggregator === undefined ? value : aggregator.finalize(value);
    };
    for (const postAggregator of postAggregations) row[postAggregator.name] = postAggregator.compute(row, finalize);
    aggregations.forEach((aggregator, index) => (into[aggregator.name] = aggregator.finalize(partials[index])));
    for (const postAggregator of postAggregations) into[postAggregator.name] = row[postAggregator.name];
    return into;
  }
  aggregations.forEach((aggregator, index) => (into[aggregator.name] = aggregator.finalize(partials[index])));
  return into;
}
