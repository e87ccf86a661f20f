// Druid filter JSON → immutable Filter objects. Errors name the JSON path of the bad field
// (e.g. `filter.fields[2].dimension`).
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { AndFilter } from './and-filter.js';
import { BoundFilter } from './bound-filter.js';
import { ColumnComparisonFilter } from './column-comparison-filter.js';
import { EqualsFilter } from './equals-filter.js';
import { FalseFilter } from './false-filter.js';
import type { Filter } from './filter.js';
import { InFilter } from './in-filter.js';
import { IntervalFilter } from './interval-filter.js';
import { requireObject, type JsonObject } from './json-fields.js';
import { LikeFilter } from './like-filter.js';
import { NotFilter } from './not-filter.js';
import { NullFilter } from './null-filter.js';
import { OrFilter } from './or-filter.js';
import { RangeFilter } from './range-filter.js';
import { RegexFilter } from './regex-filter.js';
import { SearchFilter } from './search-filter.js';
import { SelectorFilter } from './selector-filter.js';
import { TrueFilter } from './true-filter.js';

type FilterParser = (json: JsonObject, path: string) => Filter;

const parsers: Readonly<Record<string, FilterParser>> = {
  selector: (json, path) => SelectorFilter.fromJson(json, path),
  equals: (json, path) => EqualsFilter.fromJson(json, path),
  null: (json, path) => NullFilter.fromJson(json, path),
  in: (json, path) => InFilter.fromJson(json, path),
  bound: (json, path) => BoundFilter.fromJson(json, path),
  range: (json, path) => RangeFilter.fromJson(json, path),
  like: (json, path) => LikeFilter.fromJson(json, path),
  regex: (json, path) => RegexFilter.fromJson(json, path),
  search: (json, path) => SearchFilter.fromJson(json, path),
  interval: (json, path) => IntervalFilter.fromJson(json, path),
  columnComparison: (json, path) => ColumnComparisonFilter.fromJson(json, path),
  and: (json, path) => AndFilter.fromJson(json, path, parseFilter),
  or: (json, path) => OrFilter.fromJson(json, path, parseFilter),
  not: (json, path) => NotFilter.fromJson(json, path, parseFilter),
  true: () => new TrueFilter(),
  false: () => new FalseFilter(),
};

/** Valid Druid filter types Sediment does not implement. */
const unsupportedTypes = new Set(['expression', 'javascript', 'spatial', 'extraction', 'arrayContainsElement']);

/** Parse a Druid filter. Unknown types and missing or mistyped fields are invalidInput naming `path`. */
export function parseFilter(json: unknown, path: string): Filter {
  const object = requireObject(json, path);
  const type = object['type'];
  if (typeof type !== 'string') throw invalidInput(`${path}.type`, type === undefined ? 'is required' : 'must be a string');
  const parser = Object.hasOwn(parsers, type) ? parsers[type] : undefined;
  if (parser !== undefined) return parser(object, path);
  if (unsupportedTypes.has(type)) throw new SedimentError('unsupported', `${path}.type: filter type '${type}' is not supported`);
  throw invalidInput(`${path}.type`, `unknown filter type '${type}' (expected one of ${Object.keys(parsers).join(', ')})`);
}
