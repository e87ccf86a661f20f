// Binary search over a sorted string dictionary (null, when present, is id 0 and never compared).
import type { Dictionary } from '../../segment-format/columns.js';

/** Id of the first non-null dictionary entry. */
export function firstNonNullId(dictionary: Dictionary): number {
  return dictionary.length > 0 && dictionary[0] === null ? 1 : 0;
}

/** First id whose value is >= value (> value when `strict`); dictionary.length if none. */
export function searchDictionary(dictionary: Dictionary, value: string, strict: boolean): number {
  let low = firstNonNullId(dictionary);
  let high = dictionary.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const entry = dictionary[middle] as string;
    if (entry < value || (strict && entry === value)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Id of the value, or -1. */
export function dictionaryIdOf(dictionary: Dictionary, value: string): number {
  const id = searchDictionary(dictionary, value, false);
  return id < dictionary.length && dictionary[id] === value ? id : -1;
}
