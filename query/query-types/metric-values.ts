// Aggregator partials of one result row: empty, combine, and finalize together with post-aggregators.
import type { AggregatorFactory, GroupedAccumulator } from '../aggregators/aggregator-factory.js';
import type { PostAggregator } from '../post-aggregators/post-aggregator.js';
import { recordFactory, type RecordFactory } from './record-factory.js';

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

const finalizeScratch: unknown[] = [];

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
  // Copied out at once, so one scratch array serves every call (nothing here calls back in).
  const values = finalizeScratch;
  finalizeMetricValues(aggregations, postAggregations, partials, values, 0);
  for (let index = 0; index < aggregations.length; index++) into[aggregations[index]!.name] = values[index];
  for (let index = 0; index < postAggregations.length; index++) into[postAggregations[index]!.name] = values[aggregations.length + index];
  return into;
}

/**
 * Writes the finalized aggregator values, then the post-aggregator values, into out[offset…], in
 * query order. Post-aggregators see partial aggregator values (and earlier post-aggregators' values)
 * and may finalize them, as Druid's fieldAccess/finalizingFieldAccess do.
 */
export function finalizeMetricValues(
  aggregations: readonly AggregatorFactory[],
  postAggregations: readonly PostAggregator[],
  partials: readonly unknown[],
  out: unknown[],
  offset: number,
): void {
  for (let index = 0; index < aggregations.length; index++) out[offset + index] = aggregations[index]!.finalize(partials[index]);
  if (postAggregations.length === 0) return;
  const { makeRow, finalize } = postAggregationInputs(aggregations, postAggregations);
  // The row post-aggregators read: partials by aggregator name, then their own values as computed.
  const row = makeRow(partials);
  for (let index = 0; index < postAggregations.length; index++) {
    const postAggregator = postAggregations[index]!;
    const value = postAggregator.compute(row, finalize);
    row[postAggregator.name] = value;
    out[offset + aggregations.length + index] = value;
  }
}

interface PostAggregationInputs {
  /** A row with every aggregator's partial by name and every post-aggregator's name (null until computed). */
  readonly makeRow: RecordFactory;
  /** Finalizes a named aggregator's partial; other names' values pass through. */
  readonly finalize: (name: string, value: unknown) => unknown;
}

/** Built once per query (keyed by its post-aggregator list), not once per row. */
const inputsByPostAggregations = new WeakMap<readonly PostAggregator[], PostAggregationInputs>();

function postAggregationInputs(aggregations: readonly AggregatorFactory[], postAggregations: readonly PostAggregator[]): PostAggregationInputs {
  let inputs = inputsByPostAggregations.get(postAggregations);
  if (inputs === undefined) {
    const byName = new Map(aggregations.map((aggregator) => [aggregator.name, aggregator]));
    const keys = [...aggregations.map((aggregator) => aggregator.name), ...postAggregations.map((postAggregator) => postAggregator.name)];
    const makeRecord = recordFactory(keys);
    const width = keys.length;
    inputs = {
      // Partials fill the aggregator keys; post-aggregator keys start null and are set as computed.
      makeRow: (partials) => {
        const values = new Array<unknown>(width).fill(null);
        for (let index = 0; index < aggregations.length; index++) values[index] = partials[index];
        return makeRecord(values);
      },
      finalize: (name, value) => {
        const aggregator = byName.get(name);
        return aggregator === undefined ? value : aggregator.finalize(value);
      },
    };
    inputsByPostAggregations.set(postAggregations, inputs);
  }
  return inputs;
}
