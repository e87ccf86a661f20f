// Druid's dimension specs: which column a groupBy/topN groups on, the name it appears under, and the
// type its values are reported as.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { fieldPath, isJsonObject, optionalString, requireString } from '../query-types/json-fields.js';

export type DimensionOutputType = 'STRING' | 'LONG' | 'FLOAT' | 'DOUBLE';

export interface DimensionSpec {
  /** The column read (`__time` allowed). */
  readonly dimension: string;
  /** Name in result rows; defaults to `dimension`. */
  readonly outputName: string;
  /** Type values are converted to; Druid's default dimension spec reports STRING. */
  readonly outputType: DimensionOutputType;
}

const outputTypes: readonly DimensionOutputType[] = ['STRING', 'LONG', 'FLOAT', 'DOUBLE'];

/** A column name string or {"type":"default", dimension, outputName?, outputType?}. */
export function parseDimensionSpec(json: unknown, path: string): DimensionSpec {
  if (typeof json === 'string') {
    if (json === '') throw invalidInput(path, 'must not be empty');
    return Object.freeze({ dimension: json, outputName: json, outputType: 'STRING' });
  }
  if (!isJsonObject(json)) throw invalidInput(path, 'must be a column name or a dimension spec object');
  const type = optionalString(json, 'type', path) ?? 'default';
  if (type !== 'default') {
    throw new SedimentError('unsupported', `${fieldPath(path, 'type')}: dimension spec type "${type}" is not supported; use "default"`);
  }
  const dimension = requireString(json, 'dimension', path);
  const outputName = optionalString(json, 'outputName', path) ?? dimension;
  const outputTypeText = (optionalString(json, 'outputType', path) ?? 'STRING').toUpperCase();
  if (!(outputTypes as readonly string[]).includes(outputTypeText)) {
    throw invalidInput(fieldPath(path, 'outputType'), 'must be one of STRING, LONG, FLOAT, DOUBLE');
  }
  return Object.freeze({ dimension, outputName, outputType: outputTypeText as DimensionOutputType });
}
