// Druid's string orderings (StringComparators): lexicographic (UTF-8 byte order), alphanumeric,
// numeric, strlen and version. Null sorts before every value in all of them.
import { invalidInput } from '../../cluster/errors.js';
import type { DimensionValue } from '../dimensions/dimension-value.js';
import { isJsonObject } from '../query-types/json-fields.js';

export type StringOrdering = 'lexicographic' | 'alphanumeric' | 'numeric' | 'strlen' | 'version';

const orderings: readonly StringOrdering[] = ['lexicographic', 'alphanumeric', 'numeric', 'strlen', 'version'];

/** A name ("numeric") or Druid's object form ({"type":"numeric"}). */
export function parseStringOrdering(json: unknown, path: string, fallback: StringOrdering = 'lexicographic'): StringOrdering {
  if (json === undefined || json === null) return fallback;
  const name = isJsonObject(json) ? json['type'] : json;
  if (typeof name === 'string' && (orderings as readonly string[]).includes(name.toLowerCase())) {
    return name.toLowerCase() as StringOrdering;
  }
  throw invalidInput(path, `must be one of ${orderings.join(', ')}`);
}

export function compareStrings(ordering: StringOrdering, left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  switch (ordering) {
    case 'lexicographic':
      return compareUtf8(left, right);
    case 'alphanumeric':
      return compareAlphanumeric(left, right);
    case 'numeric':
      return compareNumericStrings(left, right);
    case 'strlen':
      return left.length !== right.length ? left.length - right.length : compareUtf16(left, right);
    case 'version':
      return compareVersions(left, right);
  }
}

/** Orders result values: numbers numerically under the default ordering, otherwise as their strings. */
export function compareDimensionValues(ordering: StringOrdering, left: DimensionValue, right: DimensionValue): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  if (typeof left === 'number' && typeof right === 'number' && (ordering === 'lexicographic' || ordering === 'numeric')) {
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return compareStrings(ordering, String(left), String(right));
}

function compareUtf16(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** UTF-8 byte order equals code point order; UTF-16 differs only where surrogates meet U+E000..U+FFFF. */
export function compareUtf8(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit !== rightUnit) return codePointRank(leftUnit) - codePointRank(rightUnit);
  }
  return left.length - right.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const numberPattern = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Numbers before non-numbers; numbers by value, the rest lexicographically. */
function compareNumericStrings(left: string, right: string): number {
  const leftIsNumber = numberPattern.test(left);
  const rightIsNumber = numberPattern.test(right);
  if (leftIsNumber && rightIsNumber) {
    const difference = Number(left) - Number(right);
    return difference < 0 ? -1 : difference > 0 ? 1 : 0;
  }
  if (leftIsNumber !== rightIsNumber) return leftIsNumber ? -1 : 1;
  return compareUtf8(left, right);
}

const chunkPattern = /\d+|\D+/g;

/** Splits into digit and non-digit runs; digit runs compare as numbers ("file2" < "file12"). */
function compareAlphanumeric(left: string, right: string): number {
  const leftChunks = left.match(chunkPattern) ?? [];
  const rightChunks = right.match(chunkPattern) ?? [];
  const length = Math.min(leftChunks.length, rightChunks.length);
  for (let index = 0; index < length; index++) {
    const comparison = compareChunks(leftChunks[index]!, rightChunks[index]!);
    if (comparison !== 0) return comparison;
  }
  return leftChunks.length - rightChunks.length;
}

function compareChunks(left: string, right: string): number {
  const leftDigits = isDigit(left.charCodeAt(0));
  const rightDigits = isDigit(right.charCodeAt(0));
  if (!leftDigits || !rightDigits) return compareUtf8(left, right);
  const leftTrimmed = left.replace(/^0+/, '');
  const rightTrimmed = right.replace(/^0+/, '');
  if (leftTrimmed.length !== rightTrimmed.length) return leftTrimmed.length - rightTrimmed.length;
  const comparison = compareUtf16(leftTrimmed, rightTrimmed);
  return comparison !== 0 ? comparison : left.length - right.length;
}

function isDigit(unit: number): boolean {
  return unit >= 48 && unit <= 57;
}

const qualifierRanks = new Map<string, number>([
  ['alpha', 0],
  ['a', 0],
  ['beta', 1],
  ['b', 1],
  ['milestone', 2],
  ['m', 2],
  ['rc', 3],
  ['cr', 3],
  ['snapshot', 4],
  ['', 5],
  ['ga', 5],
  ['final', 5],
  ['release', 5],
  ['sp', 6],
]);

/** Maven-style versions: numeric parts by value, "1.0.0-SNAPSHOT" < "1.0.0" < "1.0.1". */
function compareVersions(left: string, right: string): number {
  const leftParts = left.toLowerCase().split(/[.-]/);
  const rightParts = right.toLowerCase().split(/[.-]/);
  const length = Math.max(leftParts.length, rightParts.length);
  for (let index = 0; index < length; index++) {
    const comparison = compareVersionParts(leftParts[index], rightParts[index]);
    if (comparison !== 0) return comparison;
  }
  return 0;
}

function compareVersionParts(left: string | undefined, right: string | undefined): number {
  const leftPart = left ?? '';
  const rightPart = right ?? '';
  const leftNumeric = /^\d+$/.test(leftPart);
  const rightNumeric = /^\d+$/.test(rightPart);
  if (leftNumeric && rightNumeric) return compareChunks(leftPart, rightPart);
  if (leftNumeric) return rightPart === '' ? (Number(leftPart) === 0 ? 0 : 1) : 1;
  if (rightNumeric) return leftPart === '' ? (Number(rightPart) === 0 ? 0 : -1) : -1;
  const leftRank = qualifierRanks.get(leftPart) ?? 7;
  const rightRank = qualifierRanks.get(rightPart) ?? 7;
  if (leftRank !== rightRank) return leftRank - rightRank;
  return compareUtf16(leftPart, rightPart);
}
