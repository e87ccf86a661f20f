// Druid's bound-filter orderings (lexicographic, numeric, alphanumeric, strlen, version) over
// non-null strings. Lexicographic is UTF-16 code unit order, the dictionary's order.
import { parseDecimal } from './filter-values.js';

export type StringOrdering = 'lexicographic' | 'numeric' | 'alphanumeric' | 'strlen' | 'version';

export type StringComparator = (left: string, right: string) => number;

export function compareLexicographic(left: string, right: string): number {
  return left === right ? 0 : left < right ? -1 : 1;
}

/** Numbers compare numerically and sort after every non-number; non-numbers compare lexicographically. */
export function compareNumeric(left: string, right: string): number {
  const leftNumber = parseDecimal(left);
  const rightNumber = parseDecimal(right);
  if (leftNumber !== null && rightNumber !== null) return leftNumber === rightNumber ? 0 : leftNumber < rightNumber ? -1 : 1;
  if (leftNumber === null && rightNumber === null) return compareLexicographic(left, right);
  return leftNumber === null ? -1 : 1;
}

/** Length first, then lexicographic. */
export function compareStrlen(left: string, right: string): number {
  return left.length !== right.length ? left.length - right.length : compareLexicographic(left, right);
}

const CHUNK = /\d+|\D+/g;

/** Natural order: runs of digits compare as numbers, other runs lexicographically. */
export function compareAlphanumeric(left: string, right: string): number {
  const leftChunks = left.match(CHUNK) ?? [];
  const rightChunks = right.match(CHUNK) ?? [];
  const count = Math.min(leftChunks.length, rightChunks.length);
  for (let index = 0; index < count; index++) {
    const a = leftChunks[index]!;
    const b = rightChunks[index]!;
    const bothDigits = /^\d/.test(a) && /^\d/.test(b);
    const order = bothDigits ? compareDigitRuns(a, b) : compareLexicographic(a, b);
    if (order !== 0) return order;
  }
  return leftChunks.length - rightChunks.length;
}

function compareDigitRuns(left: string, right: string): number {
  const a = left.replace(/^0+(?=\d)/, '');
  const b = right.replace(/^0+(?=\d)/, '');
  return a.length !== b.length ? a.length - b.length : compareLexicographic(a, b);
}

/** Maven-style versions: dot/dash separated parts, numeric parts numerically, missing parts as 0. */
export function compareVersion(left: string, right: string): number {
  const leftParts = left.split(/[.-]/);
  const rightParts = right.split(/[.-]/);
  const count = Math.max(leftParts.length, rightParts.length);
  for (let index = 0; index < count; index++) {
    const a = leftParts[index] ?? '0';
    const b = rightParts[index] ?? '0';
    const order = /^\d+$/.test(a) && /^\d+$/.test(b) ? compareDigitRuns(a, b) : compareLexicographic(a, b);
    if (order !== 0) return order;
  }
  return 0;
}

export const comparatorByOrdering: Readonly<Record<StringOrdering, StringComparator>> = {
  lexicographic: compareLexicographic,
  numeric: compareNumeric,
  alphanumeric: compareAlphanumeric,
  strlen: compareStrlen,
  version: compareVersion,
};
