// Druid aggregator JSON → AggregatorFactory. Errors name the JSON path of the bad field.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { parseFilter } from '../filters/parse-filter.js';
import type { AggregatorFactory } from './aggregator-factory.js';
import { CardinalityAggregatorFactory, type CardinalityField } from './cardinality-aggregator.js';
import { CountAggregatorFactory } from './count-aggregator.js';
import { FilteredAggregatorFactory } from './filtered-aggregator.js';
import { FirstLastAggregatorFactory, type FirstLastValueType, type FirstOrLast } from './first-last-aggregator.js';
import { HyperUniqueAggregatorFactory } from './hyper-unique-aggregator.js';
import {
  optionalBoolean,
  optionalPositiveInteger,
  optionalString,
  requireArray,
  requireObject,
  requireString,
  type JsonObject,
} from './json-fields.js';
import { MinMaxAggregatorFactory } from './min-max-aggregator.js';
import type { NumericValueType } from './numeric-value-type.js';
import { SumAggregatorFactory } from './sum-aggregator.js';

const STRING_BYTES_MAX_DEFAULT = 1024;

/** Druid aggregator types Sediment recognises but does not implement (an `unsupported` error, not a typo). */
const unsupportedTypes = new Set([
  'javascript',
  'expression',
  'doubleMean',
  'doubleAny',
  'floatAny',
  'longAny',
  'stringAny',
  'thetaSketch',
  'HLLSketchBuild',
  'HLLSketchMerge',
  'quantilesDoublesSketch',
  'arrayOfDoublesSketch',
  'approxHistogram',
  'approxHistogramFold',
  'fixedBucketsHistogram',
  'momentSketch',
  'tDigestSketch',
  'variance',
  'stddev',
  'grouping',
]);

const numericTypePattern = /^(long|double|float)(Sum|Min|Max|First|Last)$/;
const stringFirstLastPattern = /^string(First|Last)$/;

/** Parse one aggregator; `path` is its JSON path, e.g. `aggregations[2]`. */
export function parseAggregator(json: unknown, path: string): AggregatorFactory {
  const object = requireObject(json, path);
  const type = requireString(object, 'type', path);
  if (type === 'count') return new CountAggregatorFactory(requireString(object, 'name', path), object);
  if (type === 'filtered') return parseFiltered(object, path);
  if (type === 'cardinality') return parseCardinality(object, path);
  if (type === 'hyperUnique') return parseHyperUnique(object, path);
  const numeric = numericTypePattern.exec(type);
  if (numeric !== null) return parseNumeric(numeric[1] as NumericValueType, numeric[2]!, object, path);
  const stringFirstLast = stringFirstLastPattern.exec(type);
  if (stringFirstLast !== null) return parseFirstLast('string', stringFirstLast[1] as FirstOrLast, object, path);
  if (unsupportedTypes.has(type)) throw new SedimentError('unsupported', `${path}.type: aggregator type "${type}" is not supported`);
  throw invalidInput(`${path}.type`, `unknown aggregator type "${type}"`);
}

function parseNumeric(valueType: NumericValueType, operation: string, object: JsonObject, path: string): AggregatorFactory {
  if (operation === 'First' || operation === 'Last') return parseFirstLast(valueType, operation, object, path);
  const name = requireString(object, 'name', path);
  const fieldName = requireFieldName(object, path);
  if (operation === 'Sum') return new SumAggregatorFactory(valueType, name, fieldName, object);
  return new MinMaxAggregatorFactory(valueType, operation === 'Min' ? 'Min' : 'Max', name, fieldName, object);
}

/** fieldName, rejecting the `expression` alternative Druid also accepts. */
function requireFieldName(object: JsonObject, path: string): string {
  if (object['expression'] !== undefined && object['expression'] !== null) {
    throw new SedimentError('unsupported', `${path}.expression: expression inputs to aggregators are not supported; use fieldName`);
  }
  return requireString(object, 'fieldName', path);
}

function parseFirstLast(valueType: FirstLastValueType, which: FirstOrLast, object: JsonObject, path: string): AggregatorFactory {
  return new FirstLastAggregatorFactory(
    {
      valueType,
      which,
      name: requireString(object, 'name', path),
      fieldName: requireFieldName(object, path),
      timeColumn: optionalString(object, 'timeColumn', path) ?? '__time',
      maxStringBytes: valueType === 'string' ? optionalPositiveInteger(object, 'maxStringBytes', path, STRING_BYTES_MAX_DEFAULT) : 0,
    },
    object,
  );
}

function parseFiltered(object: JsonObject, path: string): AggregatorFactory {
  if (object['filter'] === undefined || object['filter'] === null) throw invalidInput(`${path}.filter`, 'is required');
  if (object['aggregator'] === undefined || object['aggregator'] === null) throw invalidInput(`${path}.aggregator`, 'is required');
  const filter = parseFilter(object['filter'], `${path}.filter`);
  const delegate = parseAggregator(object['aggregator'], `${path}.aggregator`);
  const name = optionalString(object, 'name', path) ?? delegate.name;
  return new FilteredAggregatorFactory(name, filter, delegate, object);
}

function parseCardinality(object: JsonObject, path: string): AggregatorFactory {
  const name = requireString(object, 'name', path);
  const fieldsJson = requireArray(object, 'fields', path);
  if (fieldsJson.length === 0) throw invalidInput(`${path}.fields`, 'must list at least one dimension');
  const fields = fieldsJson.map((field, index) => parseCardinalityField(field, `${path}.fields[${index}]`));
  const byRow = optionalBoolean(object, 'byRow', path, false);
  const round = optionalBoolean(object, 'round', path, false);
  return new CardinalityAggregatorFactory(name, fields, byRow, round, object);
}

/** A dimension name or a default DimensionSpec ({dimension, outputName}). */
function parseCardinalityField(json: unknown, path: string): CardinalityField {
  if (typeof json === 'string') {
    if (json === '') throw invalidInput(path, 'must be a non-empty dimension name');
    return { dimension: json, outputName: json };
  }
  const spec = requireObject(json, path);
  const specType = optionalString(spec, 'type', path) ?? 'default';
  if (specType !== 'default') {
    throw new SedimentError('unsupported', `${path}.type: dimension spec type "${specType}" is not supported in cardinality`);
  }
  const dimension = requireString(spec, 'dimension', path);
  return { dimension, outputName: optionalString(spec, 'outputName', path) ?? dimension };
}

function parseHyperUnique(object: JsonObject, path: string): AggregatorFactory {
  return new HyperUniqueAggregatorFactory(
    requireString(object, 'name', path),
    requireString(object, 'fieldName', path),
    optionalBoolean(object, 'isInputHyperUnique', path, false),
    optionalBoolean(object, 'round', path, false),
    object,
  );
}
