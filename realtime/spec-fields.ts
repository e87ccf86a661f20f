// Typed reads of ingestion-spec JSON fields. Every failure is invalidInput naming the field's JSON path.
import { invalidInput } from '../cluster/errors.js';

export type SpecObject = Readonly<Record<string, unknown>>;

/** `path.key`, or just `key` at the root. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function isSpecObject(value: unknown): value is SpecObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): SpecObject {
  if (!isSpecObject(value)) throw invalidInput(path, 'must be a JSON object');
  return value;
}

/** The object at `object[key]`, or an empty object when absent or null. */
export function optionalObject(object: SpecObject, key: string, path: string): SpecObject {
  const value = object[key];
  if (value === undefined || value === null) return {};
  return requireObject(value, joinPath(path, key));
}

export function requireString(object: SpecObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') throw invalidInput(joinPath(path, key), 'must be a non-empty string');
  return value;
}

export function optionalString(object: SpecObject, key: string, path: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidInput(joinPath(path, key), 'must be a string');
  return value;
}

export function optionalBoolean(object: SpecObject, key: string, path: string, fallback: boolean): boolean {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalidInput(joinPath(path, key), 'must be true or false');
  return value;
}

/** A non-negative integer (strings of digits are accepted, as Jackson does); `fallback` when absent. */
export function optionalCount(object: SpecObject, key: string, path: string, fallback: number, minimum = 0): number {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < minimum) {
    throw invalidInput(joinPath(path, key), `must be an integer >= ${minimum}`);
  }
  return number;
}

export function optionalArray(object: SpecObject, key: string, path: string): readonly unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput(joinPath(path, key), 'must be an array');
  return value;
}

export function optionalStringArray(object: SpecObject, key: string, path: string): string[] {
  return optionalArray(object, key, path).map((item, index) => {
    if (typeof item !== 'string') throw invalidInput(`${joinPath(path, key)}[${index}]`, 'must be a string');
    return item;
  });
}
