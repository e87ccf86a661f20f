import { invalidInput } from '../../cluster/errors.js';
import { parseFilter } from '../filters/parse-filter.js';
import { fieldPath, optionalArray, requireObject, requireString, type JsonObject } from '../query-types/json-fields.js';
import { ComparisonHaving } from './comparison-having.js';
import { DimensionSelectorHaving } from './dimension-selector-having.js';
import { FilterHaving } from './filter-having.js';
import type { HavingSpec } from './having-spec.js';
import { AndHaving, ConstantHaving, NotHaving, OrHaving } from './logical-having.js';

/** Druid's having specs; `names` are the output names a comparison may reference. */
export function parseHaving(json: unknown, path: string, names: ReadonlySet<string>): HavingSpec {
  const object = requireObject(json, path);
  const type = requireString(object, 'type', path);
  switch (type) {
    case 'greaterThan':
    case 'lessThan':
    case 'equalTo':
      return comparison(object, path, type, names);
    case 'dimSelector':
      return dimensionSelector(object, path);
    case 'and':
    case 'or': {
      const specs = (optionalArray(object, 'havingSpecs', path) ?? []).map((item, index) =>
        parseHaving(item, fieldPath(fieldPath(path, 'havingSpecs'), index), names),
      );
      return type === 'and' ? new AndHaving(specs) : new OrHaving(specs);
    }
    case 'not':
      return new NotHaving(parseHaving(object['havingSpec'], fieldPath(path, 'havingSpec'), names));
    case 'filter':
      return new FilterHaving(parseFilter(object['filter'], fieldPath(path, 'filter')));
    case 'always':
      return new ConstantHaving('always', true);
    case 'never':
      return new ConstantHaving('never', false);
    default:
      throw invalidInput(fieldPath(path, 'type'), `unknown having type "${type}"`);
  }
}

function comparison(object: JsonObject, path: string, type: 'greaterThan' | 'lessThan' | 'equalTo', names: ReadonlySet<string>): HavingSpec {
  const aggregation = requireString(object, 'aggregation', path);
  if (!names.has(aggregation)) throw invalidInput(fieldPath(path, 'aggregation'), `"${aggregation}" is not an output of this query`);
  const raw = object['value'];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || Number.isNaN(value)) throw invalidInput(fieldPath(path, 'value'), 'must be a number');
  return new ComparisonHaving(type, aggregation, value);
}

function dimensionSelector(object: JsonObject, path: string): HavingSpec {
  const dimension = requireString(object, 'dimension', path);
  const value = object['value'];
  if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
    throw invalidInput(fieldPath(path, 'value'), 'must be a string or null');
  }
  return new DimensionSelectorHaving(dimension, value === null || value === undefined ? null : String(value));
}
