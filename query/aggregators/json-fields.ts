// Field readers for aggregator and post-aggregator JSON. Each names the offending field's JSON path
// in its error so a user can find the mistake in a long query.
import { invalidInput } from '../../cluster/errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function requireObject(json: unknown, path: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput(path, 'must be a JSON object');
  return json as JsonObject;
}

export function requireString(json: JsonObject, key: string, path: string): string {
  const value = json[key];
  if (value === undefined || value === null) throw invalidInput(`${path}.${key}`, 'is required');
  if (typeof value !== 'string' || value === '') throw invalidInput(`${path}.${key}`, 'must be a non-empty string');
  return value;
}

export function optionalString(json: JsonObject, key: string, path: string): string | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidInput(`${path}.${key}`, 'must be a non-empty string');
  return value;
}

export function optionalBoolean(json: JsonObject, key: string, path: string, fallback: boolean): boolean {
  const value = json[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalidInput(`${path}.${key}`, 'must be true or false');
  return value;
}

export function optionalPositiveInteger(json: JsonObject, key: string, path: string, fallback: number): number {
  const value = json[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidInput(`${path}.${key}`, 'must be a positive integer');
  }
  return value;
}

export function requireArray(json: JsonObject, key: string, path: string): readonly unknown[] {
  const value = json[key];
  if (value === undefined || value === null) throw invalidInput(`${path}.${key}`, 'is required');
  if (!Array.isArray(value)) throw invalidInput(`${path}.${key}`, 'must be an array');
  return value;
}
