// The main thread's decoded columns as workers receive them: typed arrays as views of the reader's
// SharedArrayBuffers (postMessage shares them, no copy), the dictionary and the null bitmap encoded
// into shared memory once per column. Workers therefore never decode a column the main thread holds,
// and the process keeps one copy of each column however many threads read it.
import type { Column, DictionaryIds } from '../../segment-format/columns.js';
import { shareDictionary, type SharedDictionary } from './shared-dictionary.js';

/** A column in transit to a worker. Every array is SharedArrayBuffer-backed. */
export type SharedColumn =
  | { readonly kind: 'string'; readonly multiValue: false; readonly ids: DictionaryIds; readonly dictionary: SharedDictionary }
  | { readonly kind: 'string'; readonly multiValue: true; readonly offsets: Uint32Array; readonly ids: DictionaryIds; readonly dictionary: SharedDictionary }
  | {
      readonly kind: 'long' | 'float' | 'double';
      readonly values: Float64Array | Float32Array;
      /** The null rows as a portable roaring serialization; null when the column has no nulls. */
      readonly nulls: Uint8Array | null;
    };

/** Per decoded column, built once: columns live as long as their segment, and so does this. */
const sharedByColumn = new WeakMap<Column, SharedColumn | null>();

/**
 * The column as workers receive it; null for columns that are not worth sharing (hyperUnique rows are
 * one small array each, which postMessage would copy one by one: workers decode those themselves).
 */
export function sharedColumnOf(column: Column): SharedColumn | null {
  let shared = sharedByColumn.get(column);
  if (shared === undefined) {
    shared = share(column);
    sharedByColumn.set(column, shared);
  }
  return shared;
}

function share(column: Column): SharedColumn | null {
  switch (column.kind) {
    case 'string':
      return column.multiValue
        ? { kind: 'string', multiValue: true, offsets: inSharedMemory(column.offsets), ids: inSharedMemory(column.ids), dictionary: shareDictionary(column.dictionary) }
        : { kind: 'string', multiValue: false, ids: inSharedMemory(column.ids), dictionary: shareDictionary(column.dictionary) };
    case 'long':
    case 'float':
    case 'double':
      return { kind: column.kind, values: inSharedMemory(column.values), nulls: column.nulls === null ? null : inSharedMemory(column.nulls.serialize('portable')) };
    case 'hyperUnique':
      return null;
  }
}

/** The array itself when SharedArrayBuffer-backed (the segment reader's arrays are), else a shared copy. */
export function inSharedMemory<T extends Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Constructor = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Constructor(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

const sharedTimes = new WeakMap<Float64Array, Float64Array>();

/** A segment's __time as workers receive it (a shared copy, made once, only if not already shared). */
export function sharedTimeOf(time: Float64Array): Float64Array {
  let shared = sharedTimes.get(time);
  if (shared === undefined) {
    shared = inSharedMemory(time);
    sharedTimes.set(time, shared);
  }
  return shared;
}
