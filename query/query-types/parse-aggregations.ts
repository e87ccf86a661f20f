// The `aggregations` and `postAggregations` fields shared by timeseries, topN and groupBy.
import { invalidInput } from '../../cluster/errors.js';
import type { AggregatorFactory } from '../aggregators/aggregator-factory.js';
import { parseAggregator } from '../aggregators/parse-aggregator.js';
import type { PostAggregator } from '../post-aggregators/post-aggregator.js';
import { parsePostAggregator } from '../post-aggregators/parse-post-aggregator.js';
import { fieldPath, optionalArray, type JsonObject } from './json-fields.js';

export interface ParsedAggregations {
  readonly aggregations: readonly AggregatorFactory[];
  readonly postAggregations: readonly PostAggregator[];
}

/**
 * Parses both lists and checks what Druid checks: output names are unique, and every post-aggregator
 * reads only aggregators, earlier post-aggregators or the given extra names (e.g. dimensions).
 */
export function parseAggregations(object: JsonObject, path: string, extraNames: readonly string[] = []): ParsedAggregations {
  const names = new Set<string>(extraNames);
  const aggregations = (optionalArray(object, 'aggregations', path) ?? []).map((json, index) => {
    const itemPath = fieldPath(fieldPath(path, 'aggregations'), index);
    const aggregator = parseAggregator(json, itemPath);
    if (names.has(aggregator.name)) throw invalidInput(`${itemPath}.name`, `duplicate output name "${aggregator.name}"`);
    names.add(aggregator.name);
    return aggregator;
  });
  const postAggregations = (optionalArray(object, 'postAggregations', path) ?? []).map((json, index) => {
    const itemPath = fieldPath(fieldPath(path, 'postAggregations'), index);
    const postAggregator = parsePostAggregator(json, itemPath);
    const missing = postAggregator.dependentFields().filter((name) => !names.has(name));
    if (missing.length > 0) throw invalidInput(itemPath, `reads unknown fields ${missing.map((name) => `"${name}"`).join(', ')}`);
    if (names.has(postAggregator.name)) throw invalidInput(`${itemPath}.name`, `duplicate output name "${postAggregator.name}"`);
    names.add(postAggregator.name);
    return postAggregator;
  });
  return { aggregations: Object.freeze(aggregations), postAggregations: Object.freeze(postAggregations) };
}
