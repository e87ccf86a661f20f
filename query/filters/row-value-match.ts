// Applies a value predicate to one raw value (a result row in groupBy `having`, an input row in an
// ingestion transformSpec): strings, numbers, booleans, arrays (multi-value) or null.
import type { ValuePredicate } from './value-predicate.js';

function matchScalar(value: unknown, predicate: ValuePredicate): boolean | null {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    return predicate.matchesNull ? true : null;
  }
  if (typeof value === 'string') return predicate.matchesString(value);
  if (typeof value === 'number') return predicate.matchesNumber(value, Number.isInteger(value) ? 'long' : 'double');
  if (typeof value === 'bigint') return predicate.matchesNumber(Number(value), 'long');
  return predicate.matchesString(String(value));
}

/**
 * TRUE / FALSE / UNKNOWN (null) for one value, with the segment semantics: an array (multi-value row)
 * is TRUE if any element matches, else UNKNOWN if it holds a null (or is empty), else FALSE.
 */
export function matchRowValue(value: unknown, predicate: ValuePredicate): boolean | null {
  if (!Array.isArray(value)) return matchScalar(value, predicate);
  if (value.length === 0) return predicate.matchesNull ? true : null;
  let sawUnknown = false;
  for (const element of value) {
    const result = matchScalar(element, predicate);
    if (result === true) return true;
    if (result === null) sawUnknown = true;
  }
  return sawUnknown ? null : false;
}
