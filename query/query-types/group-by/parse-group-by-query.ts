import { invalidInput } from '../../../cluster/errors.js';
import { parseDimensionSpec } from '../../dimensions/dimension-spec.js';
import { parseHaving } from '../../having/parse-having.js';
import { parseLimitSpec } from '../../limit/limit-spec.js';
import { fieldPath, optionalArray, type JsonObject } from '../json-fields.js';
import { parseAggregations } from '../parse-aggregations.js';
import { parseOptionalFilter, parseOptionalGranularity, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { GroupByQuery } from './group-by-query.js';

export function parseGroupByQuery(object: JsonObject): GroupByQuery {
  rejectUnsupportedFields(object, ['virtualColumns', 'subtotalsSpec']);
  const dimensions = (optionalArray(object, 'dimensions', '') ?? []).map((json, index) => parseDimensionSpec(json, fieldPath('dimensions', index)));
  const dimensionNames = new Set<string>();
  dimensions.forEach((dimension, index) => {
    if (dimensionNames.has(dimension.outputName)) throw invalidInput(fieldPath('dimensions', index), `duplicate output name "${dimension.outputName}"`);
    dimensionNames.add(dimension.outputName);
  });
  const { aggregations, postAggregations } = parseAggregations(object, '');
  const names = new Set(dimensionNames);
  [...aggregations, ...postAggregations].forEach((metric) => {
    if (dimensionNames.has(metric.name)) throw invalidInput('dimensions', `output name "${metric.name}" is also a metric name`);
    names.add(metric.name);
  });
  const havingJson = object['having'];
  const limitSpecJson = object['limitSpec'];
  return Object.freeze({
    queryType: 'groupBy',
    ...parseQueryBase(object, true),
    dimensions: Object.freeze(dimensions),
    granularity: parseOptionalGranularity(object),
    filter: parseOptionalFilter(object),
    aggregations,
    postAggregations,
    having: havingJson === undefined || havingJson === null ? null : parseHaving(havingJson, 'having', names),
    limitSpec: limitSpecJson === undefined || limitSpecJson === null ? null : parseLimitSpec(limitSpecJson, 'limitSpec', names),
  });
}
