// Dimension values as ingestion carries them, and their sort order (Druid's row order within a
// segment: time, then dimensions in schema order). Strings sort by UTF-16 code units with null first;
// a multi-value row sorts as its value list (a single value is a one-element list).
import type { MultiValueHandling } from './dimensions-spec.js';

/** A string dimension's value: null, one string, or a multi-value list of at least two entries. */
export type StringDimensionValue = string | null | readonly (string | null)[];
/** A value of any dimension: string dimensions as above, numeric dimensions as number or null. */
export type DimensionValue = StringDimensionValue | number;

function scalarString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function compareNullableStrings(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

/** A raw input value as a string dimension value; arrays follow the multi-value handling. */
export function toStringDimensionValue(raw: unknown, handling: MultiValueHandling): StringDimensionValue {
  if (!Array.isArray(raw)) return scalarString(raw);
  if (raw.length === 0) return null;
  if (raw.length === 1) return scalarString(raw[0]);
  const values = raw.map(scalarString);
  if (handling === 'ARRAY') return values;
  values.sort(compareNullableStrings);
  if (handling === 'SORTED_ARRAY') return values;
  const distinct = values.filter((value, index) => index === 0 || value !== values[index - 1]);
  return distinct.length === 1 ? distinct[0]! : distinct;
}

/** A raw input value as a number for a numeric dimension or metric; undefined when it is not numeric. */
export function toNumber(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : raw;
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    if (trimmed === '') return null;
    const number = Number(trimmed);
    return Number.isNaN(number) ? undefined : number;
  }
  if (typeof raw === 'bigint') return Number(raw);
  if (Array.isArray(raw) && raw.length <= 1) return raw.length === 0 ? null : toNumber(raw[0]);
  return undefined;
}

function compareStringValues(left: StringDimensionValue, right: StringDimensionValue): number {
  const leftIsList = Array.isArray(left);
  const rightIsList = Array.isArray(right);
  if (!leftIsList && !rightIsList) return compareNullableStrings(left as string | null, right as string | null);
  const leftList = (leftIsList ? left : [left]) as readonly (string | null)[];
  const rightList = (rightIsList ? right : [right]) as readonly (string | null)[];
  const length = Math.min(leftList.length, rightList.length);
  for (let index = 0; index < length; index++) {
    const order = compareNullableStrings(leftList[index]!, rightList[index]!);
    if (order !== 0) return order;
  }
  return leftList.length - rightList.length;
}

/** Total order of dimension values: null first; numbers numerically; strings and lists as described above. */
export function compareDimensionValues(left: DimensionValue, right: DimensionValue): number {
  if (typeof left === 'number' || typeof right === 'number') {
    if (left === right) return 0;
    if (left === null) return -1;
    if (right === null) return 1;
    return (left as number) < (right as number) ? -1 : 1;
  }
  return compareStringValues(left, right);
}
