// Readers for fields of parsed query JSON. Each names the offending field's JSON path in its error,
// so every query parser reports bad input the same way.
import { invalidInput } from '../../cluster/errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(json: unknown): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** `parent.key`, or just `key` at the top level of a query. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function requireObject(json: unknown, path: string): JsonObject {
  if (!isJsonObject(json)) throw invalidInput(path, 'must be a JSON object');
  return json;
}

export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidInput(fieldPath(path, key), 'must be a string');
  return value;
}

export function requireString(object: JsonObject, key: string, path: string): string {
  const value = optionalString(object, key, path);
  if (value === undefined) throw invalidInput(fieldPath(path, key), 'is required');
  return value;
}

/** Druid accepts booleans as JSON booleans or as the strings "true"/"false". */
export function optionalBoolean(object: JsonObject, key: string, path: string, fallback: boolean): boolean {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidInput(fieldPath(path, key), 'must be a boolean');
}

/** An integer in [minimum, maximum]; numeric strings are accepted as Druid's context does. */
export function optionalInteger(
  object: JsonObject,
  key: string,
  path: string,
  minimum = Number.MIN_SAFE_INTEGER,
  maximum = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = object[key];
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidInput(fieldPath(path, key), 'must be an integer');
  if (value < minimum || value > maximum) {
    throw invalidInput(fieldPath(path, key), `must be between ${minimum} and ${maximum}`);
  }
  return value;
}

export function optionalArray(object: JsonObject, key: string, path: string): readonly unknown[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidInput(fieldPath(path, key), 'must be an array');
  return value;
}

/** An array of strings (a lone string is not accepted). */
export function optionalStringArray(object: JsonObject, key: string, path: string): string[] | undefined {
  const array = optionalArray(object, key, path);
  if (array === undefined) return undefined;
  return array.map((item, index) => {
    if (typeof item !== 'string') throw invalidInput(fieldPath(fieldPath(path, key), index), 'must be a string');
    return item;
  });
}

/** One of the allowed string values, compared exactly. */
export function optionalEnum<T extends string>(
  object: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = optionalString(object, key, path);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidInput(fieldPath(path, key), `must be one of ${allowed.map((item) => `"${item}"`).join(', ')}`);
  }
  return value as T;
}
