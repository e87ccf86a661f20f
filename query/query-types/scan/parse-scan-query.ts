import { optionalEnum, optionalInteger, optionalStringArray, type JsonObject } from '../json-fields.js';
import { parseOptionalFilter, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { ScanQuery } from './scan-query.js';

const DEFAULT_BATCH_SIZE = 20_480;

export function parseScanQuery(object: JsonObject): ScanQuery {
  rejectUnsupportedFields(object, ['virtualColumns']);
  const limit = optionalInteger(object, 'limit', '', 0);
  return Object.freeze({
    queryType: 'scan',
    ...parseQueryBase(object, true),
    columns: Object.freeze(optionalStringArray(object, 'columns', '') ?? []),
    filter: parseOptionalFilter(object),
    limit: limit === undefined || limit === 0 ? null : limit,
    offset: optionalInteger(object, 'offset', '', 0) ?? 0,
    order: optionalEnum(object, 'order', '', ['none', 'ascending', 'descending'], 'none'),
    resultFormat: optionalEnum(object, 'resultFormat', '', ['list', 'compactedList'], 'list'),
    batchSize: optionalInteger(object, 'batchSize', '', 1) ?? DEFAULT_BATCH_SIZE,
  });
}
