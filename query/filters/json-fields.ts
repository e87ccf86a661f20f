// Readers for filter JSON fields that fail with invalidInput naming the exact JSON path.
import { invalidInput, SedimentError } from '../../cluster/errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function requireObject(json: unknown, path: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput(path, 'must be a JSON object');
  return json as JsonObject;
}

export function requireString(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw invalidInput(`${path}.${key}`, value === undefined ? 'is required' : 'must be a string');
  return value;
}

export function optionalString(object: JsonObject, key: string, path: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidInput(`${path}.${key}`, 'must be a string');
  return value;
}

export function optionalBoolean(object: JsonObject, key: string, path: string, fallback: boolean): boolean {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalidInput(`${path}.${key}`, 'must be true or false');
  return value;
}

export function requireArray(object: JsonObject, key: string, path: string): readonly unknown[] {
  const value = object[key];
  if (!Array.isArray(value)) throw invalidInput(`${path}.${key}`, value === undefined ? 'is required' : 'must be an array');
  return value;
}

/** A scalar operand (string, number or boolean; null only where allowed), returned as given. */
export function requireScalar(object: JsonObject, key: string, path: string, allowNull: boolean): string | number | boolean | null {
  const value = object[key];
  if (value === undefined || value === null) {
    if (allowNull) return null;
    throw invalidInput(`${path}.${key}`, 'is required and must not be null');
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalidInput(`${path}.${key}`, 'must be a string, number or boolean');
  }
  return value;
}

/** Extraction functions are a legacy Druid feature Sediment does not implement. */
export function rejectExtractionFn(object: JsonObject, path: string): void {
  if (object['extractionFn'] !== undefined && object['extractionFn'] !== null) {
    throw new SedimentError('unsupported', `${path}.extractionFn: extraction functions in filters are not supported`);
  }
}
