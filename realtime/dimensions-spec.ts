// Druid's dimensionsSpec: the declared dimensions (names or typed objects), exclusions, and schema
// discovery when no dimension is declared.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import { isSpecObject, optionalBoolean, optionalStringArray, optionalArray, optionalString, type SpecObject } from './spec-fields.js';

export type DimensionType = 'string' | 'long' | 'float' | 'double';
export type MultiValueHandling = 'SORTED_ARRAY' | 'SORTED_SET' | 'ARRAY';

export interface DimensionSchema {
  readonly name: string;
  /** Storage type; discovered dimensions are always strings. */
  readonly type: DimensionType;
  /** How a multi-value (array) input is stored: sorted (default), sorted and deduplicated, or as given. */
  readonly multiValueHandling: MultiValueHandling;
}

export interface DimensionsSpec {
  /** Declared dimensions in schema (sort) order; empty means discovery. */
  readonly dimensions: readonly DimensionSchema[];
  /** Fields never ingested as dimensions (only meaningful with discovery). */
  readonly exclusions: ReadonlySet<string>;
  /** True when `dimensions` is empty: every other input field becomes a string dimension. */
  readonly discovery: boolean;
}

const multiValueHandlings = new Set(['SORTED_ARRAY', 'SORTED_SET', 'ARRAY']);

export function stringDimension(name: string): DimensionSchema {
  return { name, type: 'string', multiValueHandling: 'SORTED_ARRAY' };
}

function parseDimension(item: unknown, path: string): DimensionSchema {
  if (typeof item === 'string') {
    if (item === '') throw invalidInput(path, 'must be a non-empty dimension name');
    return stringDimension(item);
  }
  if (!isSpecObject(item)) throw invalidInput(path, 'must be a dimension name or a {type, name} object');
  const name = optionalString(item, 'name', path);
  if (name === null || name === '') throw invalidInput(`${path}.name`, 'must be a non-empty string');
  const rawType = optionalString(item, 'type', path) ?? 'string';
  if (rawType === 'json' || rawType === 'spatial') {
    throw new SedimentError('unsupported', `${path}.type: dimension type '${rawType}' is not supported`);
  }
  const type = rawType === 'auto' ? 'string' : rawType;
  if (type !== 'string' && type !== 'long' && type !== 'float' && type !== 'double') {
    throw invalidInput(`${path}.type`, `unknown dimension type '${rawType}' (expected string, long, float or double)`);
  }
  const handling = (optionalString(item, 'multiValueHandling', path) ?? 'SORTED_ARRAY').toUpperCase();
  if (!multiValueHandlings.has(handling)) {
    throw invalidInput(`${path}.multiValueHandling`, 'must be SORTED_ARRAY, SORTED_SET or ARRAY');
  }
  return { name, type, multiValueHandling: handling as MultiValueHandling };
}

export function parseDimensionsSpec(object: SpecObject, path: string): DimensionsSpec {
  const dimensions = optionalArray(object, 'dimensions', path).map((item, index) => parseDimension(item, `${path}.dimensions[${index}]`));
  const seen = new Set<string>();
  dimensions.forEach((dimension, index) => {
    if (dimension.name === '__time') throw invalidInput(`${path}.dimensions[${index}]`, "'__time' cannot be a dimension");
    if (seen.has(dimension.name)) throw invalidInput(`${path}.dimensions[${index}]`, `duplicate dimension '${dimension.name}'`);
    seen.add(dimension.name);
  });
  const exclusions = new Set(optionalStringArray(object, 'dimensionExclusions', path));
  for (const name of exclusions) {
    if (seen.has(name)) throw invalidInput(`${path}.dimensionExclusions`, `'${name}' is both a dimension and an exclusion`);
  }
  // useSchemaDiscovery would type discovered columns; Sediment keeps them strings, so it only enables discovery.
  optionalBoolean(object, 'useSchemaDiscovery', path, false);
  optionalBoolean(object, 'includeAllDimensions', path, false);
  if (optionalArray(object, 'spatialDimensions', path).length > 0) {
    throw new SedimentError('unsupported', `${path}.spatialDimensions: spatial dimensions are not supported`);
  }
  return { dimensions, exclusions, discovery: dimensions.length === 0 };
}
