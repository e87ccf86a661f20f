// Native JSON query → validated, immutable Query. Every error names the offending field's path.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { Query } from './query.js';
import { parseDataSourceMetadataQuery } from './query-types/data-source-metadata/parse-data-source-metadata-query.js';
import { parseGroupByQuery } from './query-types/group-by/parse-group-by-query.js';
import { isJsonObject, requireObject, type JsonObject } from './query-types/json-fields.js';
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

/** Query types whose results can feed an outer query (rows with a timestamp). */
const subqueryTypes = new Set<string>(['groupBy', 'timeseries', 'topN']);
/** Query types that can read a query datasource: those that run over segment rows. */
const outerQueryTypes = new Set<string>(['groupBy', 'timeseries', 'topN', 'scan']);

export function parseQuery(json: unknown): Query {
  const object = requireObject(json, '');
  const dataSource = object['dataSource'];
  if (isJsonObject(dataSource) && dataSource['type'] === 'query') return parseQueryOnSubquery(object, dataSource);
  return parseTableQuery(object);
}

function parseTableQuery(object: JsonObject): Query {
  const queryType = object['queryType'];
  if (typeof queryType !== 'string') throw invalidInput('queryType', 'is required and must be a string');
  if (unsupportedTypes.has(queryType)) throw new SedimentError('unsupported', `queryType: "${queryType}" is not supported by Sediment`);
  const parse = Object.hasOwn(parsers, queryType) ? parsers[queryType as Query['queryType']] : undefined;
  if (parse === undefined) {
    throw invalidInput('queryType', `unknown query type "${queryType}"; expected one of ${Object.keys(parsers).join(', ')}`);
  }
  return parse(object);
}

/**
 * A query whose dataSource is {"type":"query","query":{…}}: the inner query is parsed first (its
 * errors are reported under dataSource.query), then the outer one with the inner's table standing in
 * for its dataSource, so every other field is checked as usual.
 */
function parseQueryOnSubquery(object: JsonObject, dataSource: JsonObject): Query {
  const outerType = object['queryType'];
  if (typeof outerType === 'string' && Object.hasOwn(parsers, outerType) && !outerQueryTypes.has(outerType)) {
    throw new SedimentError('unsupported', `dataSource: a query datasource cannot feed a ${outerType} query; use ${[...outerQueryTypes].join(', ')}`);
  }
  const innerJson = dataSource['query'];
  if (!isJsonObject(innerJson)) throw invalidInput('dataSource.query', 'is required and must be a query object');
  const inner = withFieldPrefix('dataSource.query', () => parseQuery(innerJson));
  if (!subqueryTypes.has(inner.queryType)) {
    throw new SedimentError('unsupported', `dataSource.query.queryType: a ${inner.queryType} query cannot be a subquery; use ${[...subqueryTypes].join(', ')}`);
  }
  const outer = parseTableQuery({ ...object, dataSource: inner.dataSource });
  return Object.freeze({ ...outer, subquery: Object.freeze({ query: inner, json: innerJson }) });
}

/** Runs parse, prefixing the field path of an invalid-input error with `prefix`. */
function withFieldPrefix<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SedimentError && error.code === 'invalid_input') {
      throw new SedimentError('invalid_input', `${prefix}.${error.message}`, { cause: error });
    }
    throw error;
  }
}
