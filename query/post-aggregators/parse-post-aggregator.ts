// Druid post-aggregator JSON → PostAggregator. Errors name the JSON path of the bad field.
// A top-level post-aggregator needs a name (its output column); one nested in `fields` may omit it.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { optionalString, requireArray, requireObject, requireString, type JsonObject } from '../aggregators/json-fields.js';
import {
  ArithmeticPostAggregator,
  arithmeticFunctions,
  type ArithmeticFunction,
  type ArithmeticOrdering,
} from './arithmetic-post-aggregator.js';
import { ConstantPostAggregator } from './constant-post-aggregator.js';
import { FieldAccessPostAggregator } from './field-access-post-aggregator.js';
import { GreatestLeastPostAggregator } from './greatest-least-post-aggregator.js';
import { HyperUniqueCardinalityPostAggregator } from './hyper-unique-cardinality-post-aggregator.js';
import type { PostAggregator } from './post-aggregator.js';

const unsupportedTypes = new Set(['expression', 'javascript', 'thetaSketchEstimate', 'quantilesDoublesSketchToQuantile']);
const greatestLeastPattern = /^(double|long)(Greatest|Least)$/;

/** Parse one top-level post-aggregator; `path` is its JSON path, e.g. `postAggregations[0]`. */
export function parsePostAggregator(json: unknown, path: string): PostAggregator {
  return parse(json, path, true);
}

function parse(json: unknown, path: string, nameRequired: boolean): PostAggregator {
  const object = requireObject(json, path);
  const type = requireString(object, 'type', path);
  const name = nameRequired && !namedByField(type) ? requireString(object, 'name', path) : optionalString(object, 'name', path);
  switch (type) {
    case 'arithmetic':
      return parseArithmetic(object, path, name ?? '');
    case 'fieldAccess':
    case 'finalizingFieldAccess': {
      const fieldName = requireString(object, 'fieldName', path);
      return new FieldAccessPostAggregator(type, name ?? fieldName, fieldName);
    }
    case 'constant':
      return parseConstant(object, path, name);
    case 'hyperUniqueCardinality': {
      const fieldName = requireString(object, 'fieldName', path);
      return new HyperUniqueCardinalityPostAggregator(name ?? fieldName, fieldName);
    }
  }
  const greatestLeast = greatestLeastPattern.exec(type);
  if (greatestLeast !== null) {
    const fields = parseFields(object, path);
    return new GreatestLeastPostAggregator(greatestLeast[1] as 'double' | 'long', greatestLeast[2] === 'Greatest', name ?? '', fields);
  }
  if (unsupportedTypes.has(type)) throw new SedimentError('unsupported', `${path}.type: post-aggregator type "${type}" is not supported`);
  throw invalidInput(`${path}.type`, `unknown post-aggregator type "${type}"`);
}

/** Types whose name defaults to something sensible when omitted. */
function namedByField(type: string): boolean {
  return type === 'fieldAccess' || type === 'finalizingFieldAccess' || type === 'constant' || type === 'hyperUniqueCardinality';
}

function parseFields(object: JsonObject, path: string): PostAggregator[] {
  const fields = requireArray(object, 'fields', path);
  if (fields.length === 0) throw invalidInput(`${path}.fields`, 'must not be empty');
  return fields.map((field, index) => parse(field, `${path}.fields[${index}]`, false));
}

function parseArithmetic(object: JsonObject, path: string, name: string): PostAggregator {
  const fn = requireString(object, 'fn', path);
  if (!(arithmeticFunctions as readonly string[]).includes(fn)) {
    throw invalidInput(`${path}.fn`, `must be one of ${arithmeticFunctions.map((f) => `"${f}"`).join(', ')}`);
  }
  const orderingJson = object['ordering'];
  let ordering: ArithmeticOrdering = 'natural';
  if (orderingJson === 'numericFirst') ordering = 'numericFirst';
  else if (orderingJson !== undefined && orderingJson !== null) throw invalidInput(`${path}.ordering`, 'must be null or "numericFirst"');
  return new ArithmeticPostAggregator(name, fn as ArithmeticFunction, parseFields(object, path), ordering);
}

function parseConstant(object: JsonObject, path: string, name: string | undefined): PostAggregator {
  const value = object['value'];
  if (value === undefined || value === null) throw invalidInput(`${path}.value`, 'is required');
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidInput(`${path}.value`, 'must be a finite number');
  return new ConstantPostAggregator(name ?? String(value), value);
}
