import { optionalBoolean, optionalInteger, type JsonObject } from '../json-fields.js';
import { parseAggregations } from '../parse-aggregations.js';
import { parseOptionalFilter, parseOptionalGranularity, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { TimeseriesQuery } from './timeseries-query.js';

export function parseTimeseriesQuery(object: JsonObject): TimeseriesQuery {
  rejectUnsupportedFields(object, ['virtualColumns']);
  const limit = optionalInteger(object, 'limit', '', 0);
  return Object.freeze({
    queryType: 'timeseries',
    ...parseQueryBase(object, true),
    granularity: parseOptionalGranularity(object),
    filter: parseOptionalFilter(object),
    ...parseAggregations(object, ''),
    descending: optionalBoolean(object, 'descending', '', false),
    limit: limit === undefined || limit === 0 ? null : limit,
  });
}
