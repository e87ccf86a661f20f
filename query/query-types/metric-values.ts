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
    const { template, finalize } = postAggregationInputs(aggregations);
    const row: Record<string, unknown> = { ...template };
    for (let index = 0; index < aggregations.length; index++) row[aggregations[index]!.name] = partials[index];
    for (const postAggregator of postAggregations) row[postAggregator.name] = postAggregator.compute(row, finalize);
    for (let index = 0; index < aggregations.length; index++) into[aggregations[index]!.name] = aggregations[index]!.finalize(partials[index]);
    for (const postAggregator of postAggregations) into[postAggregator.name] = row[postAggregator.name];
    return into;
  }
  for (let index = 0; index < aggregations.length; index++) into[aggregations[index]!.name] = aggregations[index]!.finalize(partials[index]);
  return into;
}

interface PostAggregationInputs {
  /** An object with every aggregator's name, copied per row so rows share one shape. */
  readonly template: Readonly<Record<string, unknown>>;
  /** Finalizes a named aggregator's partial; other names' values pass through. */
  readonly finalize: (name: string, value: unknown) => unknown;
}

/** Built once per aggregations list (a query's), not once per row. */
const inputsByAggregations = new WeakMap<readonly AggregatorFactory[], PostAggregationInputs>();

function postAggregationInputs(aggregations: readonly AggregatorFactory[]): PostAggregationInputs {
  let inputs = inputsByAggregations.get(aggregations);
  if (inputs === undefined) {
    const byName = new Map(aggregations.map((aggregator) => [aggregator.name, aggregator]));
    const template: Record<string, unknown> = {};
    for (const aggregator of aggregations) template[aggregator.name] = null;
    inputs = {
      template,
      finalize: (name, value) => {
        const aggregator = byName.get(name);
        return aggregator === undefined ? value : aggregator.finalize(value);
      },
    };
    inputsByAggregations.set(aggregations, inputs);
  }
  return inputs;
}
