// Parsers for fields several query types share: filter, granularity, limit, unsupported features.
import { SedimentError } from '../../cluster/errors.js';
import type { Filter } from '../filters/filter.js';
import { parseFilter } from '../filters/parse-filter.js';
import { parseGranularity } from '../granularities/parse-granularity.js';
import type { Granularity } from '../granularity.js';
import { fieldPath, type JsonObject } from './json-fields.js';

export function parseOptionalFilter(object: JsonObject, path = ''): Filter | null {
  const json = object['filter'];
  return json === undefined || json === null ? null : parseFilter(json, fieldPath(path, 'filter'));
}

/** Druid treats a missing granularity as `all`. */
export function parseOptionalGranularity(object: JsonObject, path = ''): Granularity {
  return parseGranularity(object['granularity'] ?? 'all', fieldPath(path, 'granularity'));
}

/** Features Sediment does not implement are rejected by name rather than silently ignored. */
export function rejectUnsupportedFields(object: JsonObject, keys: readonly string[]): void {
  for (const key of keys) {
    const value = object[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw new SedimentError('unsupported', `${key}: not supported by Sediment`);
  }
}
