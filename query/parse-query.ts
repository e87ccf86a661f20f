// Native JSON query → validated, immutable Query. Every error names the offending field's path.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { Query } from './query.js';
import { parseDataSourceMetadataQuery } from './query-types/data-source-metadata/parse-data-source-metadata-query.js';
import { parseGroupByQuery } from './query-types/group-by/parse-group-by-query.js';
import { requireObject, type JsonObject } from './query-types/json-fields.js';
import { parseScanQuery } from './query-types/scan/parse-scan-query.js';
import { parseSearchQuery } from './query-types/search/parse-search-query.js';
import { parseSegmentMetadataQuery } from './query-types/segment-metadata/parse-segment-metadata-query.js';
import { parseTimeBoundaryQuery } from './query-types/time-boundary/parse-time-boundary-query.js';
import { parseTimeseriesQuery } from './query-types/timeseries/parse-timeseries-query.js';
import { parseTopNQuery } from './query-types/topn/parse-topn-query.js';

const parsers: Readonly<Record<Query['queryType'], (object: JsonObject) => Query>> = {
  timeseries: parseTimeseriesQuery,
  topN: parseTopNQuery,
  groupBy: parseGroupByQuery,
  scan: parseScanQuery,
  search: parseSearchQuery,
  timeBoundary: parseTimeBoundaryQuery,
  segmentMetadata: parseSegmentMetadataQuery,
  dataSourceMetadata: parseDataSourceMetadataQuery,
};

/** Druid query types Sediment knows of but does not run. */
const unsupportedTypes = new Set(['select', 'windowOperator', 'movingAverage']);

export function parseQuery(json: unknown): Query {
  const object = requireObject(json, '');
  const queryType = object['queryType'];
  if (typeof queryType !== 'string') throw invalidInput('queryType', 'is required and must be a string');
  if (unsupportedTypes.has(queryType)) throw new SedimentError('unsupported', `queryType: "${queryType}" is not supported by Sediment`);
  const parse = Object.hasOwn(parsers, queryType) ? parsers[queryType as Query['queryType']] : undefined;
  if (parse === undefined) {
    throw invalidInput('queryType', `unknown query type "${queryType}"; expected one of ${Object.keys(parsers).join(', ')}`);
  }
  return parse(object);
}
