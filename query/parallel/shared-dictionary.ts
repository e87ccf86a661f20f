// A string column's dictionary in shared memory. A dictionary is an array of JS strings, which
// postMessage would copy value by value on every task; encoded once into a SharedArrayBuffer it travels
// as a handle, and each worker decodes it once per segment column (then caches the strings).
import type { Dictionary } from '../../segment-format/columns.js';

export interface SharedDictionary {
  /** True when entry 0 is null (its bytes are empty); no other entry is null. */
  readonly nullFirst: boolean;
  /** Entry i is bytes[offsets[i] .. offsets[i+1]) as UTF-8; length is the dictionary size + 1. SharedArrayBuffer-backed. */
  readonly offsets: Uint32Array;
  /** The UTF-8 bytes of every entry, back to back. SharedArrayBuffer-backed. */
  readonly bytes: Uint8Array;
}

export function shareDictionary(dictionary: Dictionary): SharedDictionary {
  const nullFirst = dictionary.length > 0 && dictionary[0] === null;
  const offsets = new Uint32Array(new SharedArrayBuffer(4 * (dictionary.length + 1)));
  let total = 0;
  for (let id = 0; id < dictionary.length; id++) {
    const value = dictionary[id];
    if (value === null) {
      if (id !== 0) throw new Error(`dictionary holds null at id ${id}; only id 0 may be null`);
    } else total += Buffer.byteLength(value!, 'utf8');
    offsets[id + 1] = total;
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(total));
  const writer = Buffer.from(bytes.buffer, 0, total);
  for (let id = nullFirst ? 1 : 0; id < dictionary.length; id++) writer.write(dictionary[id]!, offsets[id]!, 'utf8');
  return { nullFirst, offsets, bytes };
}

export function dictionaryOf(shared: SharedDictionary): (string | null)[] {
  const size = shared.offsets.length - 1;
  const reader = Buffer.from(shared.bytes.buffer, shared.bytes.byteOffset, shared.bytes.byteLength);
  const dictionary = new Array<string | null>(size);
  for (let id = 0; id < size; id++) {
    dictionary[id] = id === 0 && shared.nullFirst ? null : reader.toString('utf8', shared.offsets[id]!, shared.offsets[id + 1]!);
  }
  return dictionary;
}
