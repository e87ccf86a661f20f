// The raw payload of an integer sequence (LONG values, __time deltas, scaled decimals), little-endian:
//   u32 kind = 0 (plain)    then count × i64
//   u32 kind = 1 (packed)   then i64 base, then a packed payload (packed-integers.ts) of value - base
// Writers pack when max - min < 2^32 (frame of reference: most columns span far fewer bits than 64).
import { decodeInt64InPlace, readInt64, writeInt64 } from './int64-codec.js';
import { bitWidthFor, packedSizeBytes, packUnsignedInto, unpackUnsignedInto } from './packed-integers.js';
import type { ScratchMemory } from './scratch-memory.js';
import { corruptSegment } from './segment-format-error.js';

const KIND_PLAIN = 0;
const KIND_PACKED = 1;
const PACKED_PREFIX_BYTES = 12;
const PACKED_RANGE_LIMIT = 2 ** 32;

/** Encodes values[0..count) (integral, in int64 range: checked by the caller). */
export function encodeIntegerSequence(values: ArrayLike<number>, count: number): Uint8Array {
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let index = 0; index < count; index++) {
    const value = values[index]!;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return encodeIntegerSequenceInRange(values, count, minimum, maximum);
}

/**
 * encodeIntegerSequence for a caller that already knows the smallest and largest of the values. A
 * packed payload goes to `scratch` when given (so the caller must compress or copy it at once).
 */
export function encodeIntegerSequenceInRange(values: ArrayLike<number>, count: number, minimum: number, maximum: number, scratch?: ScratchMemory): Uint8Array {
  if (count === 0) minimum = maximum = 0;
  if (maximum - minimum >= PACKED_RANGE_LIMIT || !Number.isSafeInteger(minimum) || !Number.isSafeInteger(maximum)) {
    return encodePlain(values, count);
  }
  const bitWidth = bitWidthFor(maximum - minimum + 1);
  const byteLength = PACKED_PREFIX_BYTES + packedSizeBytes(count, bitWidth);
  const bytes = scratch === undefined ? new Uint8Array(byteLength) : scratch.bytes('integerSequence', byteLength);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, byteLength >>> 2);
  words[0] = KIND_PACKED;
  writeInt64(words.subarray(1, 3), 0, minimum);
  packUnsignedInto(values, count, bitWidth, words, PACKED_PREFIX_BYTES / 4 + 1, minimum);
  return bytes;
}

function encodePlain(values: ArrayLike<number>, count: number): Uint8Array {
  const bytes = new Uint8Array(8 + 8 * count);
  const words = new Uint32Array(bytes.buffer);
  words[0] = KIND_PLAIN;
  const body = words.subarray(2);
  for (let index = 0; index < count; index++) writeInt64(body, index, values[index]!);
  return bytes;
}

/** Decodes `count` integers from `raw` (4-aligned, from byte `offset`) into a new shared Float64Array. */
export function decodeIntegerSequence(raw: Uint8Array, offset: number, count: number, label: string): Float64Array {
  if (raw.length < offset + 4) throw corruptSegment(`${label}: integer sequence too short for its kind`);
  const kind = new DataView(raw.buffer, raw.byteOffset + offset, 4).getUint32(0, true);
  const values = new Float64Array(new SharedArrayBuffer(8 * count));
  if (kind === KIND_PLAIN) {
    if (raw.length - offset !== 8 + 8 * count) throw corruptSegment(`${label}: holds ${(raw.length - offset - 8) / 8} plain values, expected ${count}`);
    values.set(decodeInt64InPlace(raw.slice(offset + 8).buffer, 0, count));
    return values;
  }
  if (kind !== KIND_PACKED) throw corruptSegment(`${label}: unknown integer sequence kind ${kind}`);
  if (raw.length < offset + PACKED_PREFIX_BYTES) throw corruptSegment(`${label}: packed sequence too short for its base`);
  const base = readInt64(new Uint32Array(raw.buffer, raw.byteOffset + offset + 4, 2), 0);
  unpackUnsignedInto(raw, offset + PACKED_PREFIX_BYTES, count, values, label);
  if (base !== 0) for (let index = 0; index < count; index++) values[index] += base;
  return values;
}
