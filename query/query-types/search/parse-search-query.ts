import { invalidInput } from '../../../cluster/errors.js';
import { parseDimensionSpec } from '../../dimensions/dimension-spec.js';
import { compileJavaRegex } from '../../filters/java-regex.js';
import { parseStringOrdering } from '../../limit/string-comparators.js';
import {
  fieldPath,
  isJsonObject,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  requireObject,
  requireString,
  type JsonObject,
} from '../json-fields.js';
import { parseOptionalFilter, parseOptionalGranularity, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { SearchQuery, SearchQuerySpec, SearchSort } from './search-query.js';

const DEFAULT_LIMIT = 1000;

export function parseSearchQuery(object: JsonObject): SearchQuery {
  rejectUnsupportedFields(object, ['virtualColumns']);
  const dimensionsJson = optionalArray(object, 'searchDimensions', '');
  const searchDimensions =
    dimensionsJson === undefined || dimensionsJson.length === 0
      ? null
      : dimensionsJson.map((json, index) => parseDimensionSpec(json, fieldPath('searchDimensions', index)).dimension);
  if (object['query'] === undefined) throw invalidInput('query', 'is required');
  return Object.freeze({
    queryType: 'search',
    ...parseQueryBase(object, true),
    searchDimensions,
    query: parseSearchQuerySpec(object['query'], 'query'),
    sort: parseSearchSort(object['sort'], 'sort'),
    limit: optionalInteger(object, 'limit', '', 1) ?? DEFAULT_LIMIT,
    granularity: parseOptionalGranularity(object),
    filter: parseOptionalFilter(object),
  });
}

function parseSearchSort(json: unknown, path: string): SearchSort {
  if (json === undefined || json === null) return 'lexicographic';
  const ordering = parseStringOrdering(isJsonObject(json) ? json['type'] : json, fieldPath(path, 'type'));
  if (ordering === 'version') throw invalidInput(fieldPath(path, 'type'), 'must be lexicographic, alphanumeric, strlen or numeric');
  return ordering;
}

export function parseSearchQuerySpec(json: unknown, path: string): SearchQuerySpec {
  if (typeof json === 'string') return { type: 'insensitive_contains', value: json };
  const object = requireObject(json, path);
  const type = requireString(object, 'type', path);
  switch (type) {
    case 'insensitive_contains':
      return { type, value: requireString(object, 'value', path) };
    case 'contains':
      return { type, value: requireString(object, 'value', path), caseSensitive: optionalBoolean(object, 'caseSensitive', path, false) };
    case 'fragment': {
      const values = (optionalArray(object, 'values', path) ?? []).map((value, index) => {
        if (typeof value !== 'string') throw invalidInput(fieldPath(fieldPath(path, 'values'), index), 'must be a string');
        return value;
      });
      return { type, values, caseSensitive: optionalBoolean(object, 'caseSensitive', path, false) };
    }
    case 'regex': {
      const pattern = requireString(object, 'pattern', path);
      return { type, pattern: compileJavaRegex(pattern, fieldPath(path, 'pattern')) };
    }
    default:
      throw invalidInput(fieldPath(path, 'type'), `unknown search query type "${type}"`);
  }
}
