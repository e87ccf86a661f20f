// int64 on disk, float64 in memory. Converting through BigInt would allocate per value, so values are
// split into two 32-bit halves with plain float arithmetic, which is exact for every integral float64
// in int64 range (and so for every value a LONG column can hold exactly).
import { endianness } from 'node:os';

const TWO_TO_32 = 4294967296;
const INT64_MIN = -9223372036854775808;
const INT64_LIMIT = 9223372036854775808;

// Typed arrays use the host byte order; the file format is little-endian.
if (endianness() !== 'LE') throw new Error('segment-format requires a little-endian host');

/** True if `value` can be stored as int64 without loss. */
export function isInt64Representable(value: number): boolean {
  return Number.isInteger(value) && value >= INT64_MIN && value < INT64_LIMIT;
}

/** Writes `value` (an integral float64 in int64 range) as int64 at `index` of `words` (2 words per value). */
export function writeInt64(words: Uint32Array, index: number, value: number): void {
  const high = Math.floor(value / TWO_TO_32);
  words[2 * index] = value - high * TWO_TO_32;
  words[2 * index + 1] = high;
}

/** Little-endian int64 bytes of `values`; throws `onInvalid(index)` for a value that is not int64. */
export function encodeInt64(values: Float64Array, onInvalid: (index: number) => Error): Uint8Array {
  const words = new Uint32Array(values.length * 2);
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (!isInt64Representable(value)) throw onInvalid(index);
    writeInt64(words, index, value);
  }
  return new Uint8Array(words.buffer);
}

/** Reinterprets a buffer of int64 values as float64 values, in place (the two have the same width). */
export function decodeInt64InPlace(buffer: ArrayBufferLike, byteOffset: number, count: number): Float64Array {
  const low = new Uint32Array(buffer, byteOffset, count * 2);
  const high = new Int32Array(buffer, byteOffset, count * 2);
  const values = new Float64Array(buffer, byteOffset, count);
  for (let index = 0; index < count; index++) {
    values[index] = high[2 * index + 1]! * TWO_TO_32 + low[2 * index]!;
  }
  return values;
}

/** The int64 at `index` of `words` (2 words per value) as a float64 (exact up to 2^53). */
export function readInt64(words: Uint32Array, index: number): number {
  const high = words[2 * index + 1]! | 0;
  return high * TWO_TO_32 + words[2 * index]!;
}
