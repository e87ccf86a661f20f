// groupBy's limitSpec (type "default"): order by columns, then skip `offset` rows and keep `limit`.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { fieldPath, isJsonObject, optionalArray, optionalInteger, optionalString, requireObject, requireString } from '../query-types/json-fields.js';
import { parseStringOrdering, type StringOrdering } from './string-comparators.js';

export interface OrderByColumn {
  /** A dimension output name, aggregator or post-aggregator. */
  readonly dimension: string;
  readonly direction: 'ascending' | 'descending';
  /** How dimension values compare; aggregators and post-aggregators always compare as numbers. */
  readonly dimensionOrder: StringOrdering;
}

export interface LimitSpec {
  /** Rows kept after offset; null for all. */
  readonly limit: number | null;
  /** Rows skipped after ordering. */
  readonly offset: number;
  /** Sort keys in priority order; empty keeps the natural (time, dimensions) order. */
  readonly columns: readonly OrderByColumn[];
}

/** `names` are the output names an ordering column may reference. */
export function parseLimitSpec(json: unknown, path: string, names: ReadonlySet<string>): LimitSpec {
  const object = requireObject(json, path);
  const type = optionalString(object, 'type', path) ?? 'default';
  if (type !== 'default') throw new SedimentError('unsupported', `${fieldPath(path, 'type')}: limitSpec type "${type}" is not supported`);
  const columns = (optionalArray(object, 'columns', path) ?? []).map((item, index) =>
    parseOrderByColumn(item, fieldPath(fieldPath(path, 'columns'), index), names),
  );
  return Object.freeze({
    limit: optionalInteger(object, 'limit', path, 0) ?? null,
    offset: optionalInteger(object, 'offset', path, 0) ?? 0,
    columns: Object.freeze(columns),
  });
}

function parseOrderByColumn(json: unknown, path: string, names: ReadonlySet<string>): OrderByColumn {
  const object = typeof json === 'string' ? { dimension: json } : json;
  if (!isJsonObject(object)) throw invalidInput(path, 'must be a column name or {dimension, direction, dimensionOrder}');
  const dimension = requireString(object, 'dimension', path);
  if (!names.has(dimension)) throw invalidInput(fieldPath(path, 'dimension'), `"${dimension}" is not a dimension or metric of this query`);
  const directionText = (optionalString(object, 'direction', path) ?? 'ascending').toLowerCase();
  let direction: OrderByColumn['direction'];
  if (directionText === 'ascending' || directionText === 'asc') direction = 'ascending';
  else if (directionText === 'descending' || directionText === 'desc') direction = 'descending';
  else throw invalidInput(fieldPath(path, 'direction'), 'must be "ascending" or "descending"');
  return Object.freeze({ dimension, direction, dimensionOrder: parseStringOrdering(object['dimensionOrder'], fieldPath(path, 'dimensionOrder')) });
}
