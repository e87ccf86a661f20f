import { invalidInput } from '../../../cluster/errors.js';
import { parseDimensionSpec } from '../../dimensions/dimension-spec.js';
import { parseStringOrdering, type StringOrdering } from '../../limit/string-comparators.js';
import { fieldPath, isJsonObject, optionalInteger, optionalString, requireString, type JsonObject } from '../json-fields.js';
import { parseAggregations } from '../parse-aggregations.js';
import { parseOptionalFilter, parseOptionalGranularity, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { TopNMetricSpec, TopNQuery } from './topn-query.js';

export function parseTopNQuery(object: JsonObject): TopNQuery {
  rejectUnsupportedFields(object, ['virtualColumns']);
  if (object['dimension'] === undefined) throw invalidInput('dimension', 'is required');
  const dimension = parseDimensionSpec(object['dimension'], 'dimension');
  const threshold = optionalInteger(object, 'threshold', '', 1);
  if (threshold === undefined) throw invalidInput('threshold', 'is required');
  const { aggregations, postAggregations } = parseAggregations(object, '');
  const metricNames = new Set([...aggregations, ...postAggregations].map((metric) => metric.name));
  if (metricNames.has(dimension.outputName)) {
    throw invalidInput('dimension', `output name "${dimension.outputName}" is also an aggregator or post-aggregator name`);
  }
  if (object['metric'] === undefined) throw invalidInput('metric', 'is required');
  return Object.freeze({
    queryType: 'topN',
    ...parseQueryBase(object, true),
    dimension,
    threshold,
    metric: parseTopNMetricSpec(object['metric'], 'metric', metricNames),
    granularity: parseOptionalGranularity(object),
    filter: parseOptionalFilter(object),
    aggregations,
    postAggregations,
  });
}

export function parseTopNMetricSpec(json: unknown, path: string, metricNames: ReadonlySet<string>): TopNMetricSpec {
  if (typeof json === 'string') return numericSpec(json, path, metricNames);
  if (!isJsonObject(json)) throw invalidInput(path, 'must be a metric name or a metric spec object');
  const type = requireString(json, 'type', path);
  switch (type) {
    case 'numeric':
      return numericSpec(requireString(json, 'metric', path), fieldPath(path, 'metric'), metricNames);
    case 'inverted':
      if (json['metric'] === undefined) throw invalidInput(fieldPath(path, 'metric'), 'is required');
      return { type: 'inverted', delegate: parseTopNMetricSpec(json['metric'], fieldPath(path, 'metric'), metricNames) };
    case 'dimension':
      return dimensionSpec(json, path, parseStringOrdering(json['ordering'], fieldPath(path, 'ordering')));
    case 'lexicographic':
      return dimensionSpec(json, path, 'lexicographic');
    case 'alphaNumeric':
    case 'alphanumeric':
      return dimensionSpec(json, path, 'alphanumeric');
    default:
      throw invalidInput(fieldPath(path, 'type'), `unknown topN metric spec type "${type}"`);
  }
}

function numericSpec(metric: string, path: string, metricNames: ReadonlySet<string>): TopNMetricSpec {
  if (!metricNames.has(metric)) throw invalidInput(path, `"${metric}" is not an aggregator or post-aggregator of this query`);
  return { type: 'numeric', metric };
}

function dimensionSpec(json: JsonObject, path: string, ordering: StringOrdering): TopNMetricSpec {
  return { type: 'dimension', ordering, previousStop: optionalString(json, 'previousStop', path) ?? null };
}
