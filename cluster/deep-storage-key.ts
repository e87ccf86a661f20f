// The keys every DeepStorage accepts. One rule set for all implementations, so a key that works on
// the local disk works on S3 and back: relative '/'-separated names, none empty, '.' or '..', no
// backslash or NUL, which also keeps the local store's keys inside its root.
import { invalidInput } from './errors.js';

/** Throws invalid_input (field `key`) unless `key` follows the rules above. */
export function validateDeepStorageKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw invalidInput('key', 'must be a non-empty string');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) throw invalidInput('key', `${JSON.stringify(key)} must be relative`);
  if (key.includes('\\') || key.includes('\0')) throw invalidInput('key', `${JSON.stringify(key)} must not contain backslashes or NUL`);
  for (const part of key.split('/')) {
    if (part === '' || part === '.' || part === '..') {
      throw invalidInput('key', `${JSON.stringify(key)} must be '/'-separated names without empty, '.' or '..' parts`);
    }
  }
}
