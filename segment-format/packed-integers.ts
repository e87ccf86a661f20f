// Bit-packed unsigned integers: the raw payload of `ids` sections and of packed integer sequences.
// Layout, little-endian:
//   u32 bitWidth                              0..32
//   u32 words[ceil(count × bitWidth / 32)]    value i is bits [i×bitWidth, (i+1)×bitWidth) of the
//                                             stream, bit 0 being the lowest bit of words[0]
// The count is not stored: the section that holds the payload knows it (row count, offsets).
import { corruptSegment } from './segment-format-error.js';

export const PACKED_HEADER_BYTES = 4;

/** Fewest bits that hold every value below `limit` (0 when limit <= 1). */
export function bitWidthFor(limit: number): number {
  let width = 0;
  while (width < 32 && 2 ** width < limit) width++;
  return width;
}

/** Size in bytes of a packed payload of `count` values. */
export function packedSizeBytes(count: number, bitWidth: number): number {
  return PACKED_HEADER_BYTES + 4 * Math.ceil((count * bitWidth) / 32);
}

/**
 * Packs values[0..count) less `base` (each difference `< 2 ** bitWidth`, checked by the caller) into
 * `words` starting at word `firstWord`, writing the width in the word before it.
 */
export function packUnsignedInto(values: ArrayLike<number>, count: number, bitWidth: number, words: Uint32Array, firstWord: number, base = 0): void {
  words[firstWord - 1] = bitWidth;
  if (bitWidth === 0) return;
  if (bitWidth === 32) {
    for (let index = 0; index < count; index++) words[firstWord + index] = values[index]! - base;
    return;
  }
  let word = firstWord;
  let buffer = 0;
  let filled = 0;
  for (let index = 0; index < count; index++) {
    const value = values[index]! - base;
    buffer |= value << filled;
    filled += bitWidth;
    if (filled >= 32) {
      words[word++] = buffer;
      filled -= 32;
      // The bits of `value` that did not fit start the next word (none when filled is now 0).
      buffer = filled === 0 ? 0 : value >>> (bitWidth - filled);
    }
  }
  if (filled > 0) words[word] = buffer;
}

/** A packed payload (with its width header) of values[0..count). */
export function packUnsigned(values: ArrayLike<number>, count: number, bitWidth: number): Uint8Array {
  const bytes = new Uint8Array(packedSizeBytes(count, bitWidth));
  packUnsignedInto(values, count, bitWidth, new Uint32Array(bytes.buffer), 1);
  return bytes;
}

/**
 * Unpacks `count` values from the packed payload that starts at byte `offset` of `raw` (4-aligned)
 * into `out`; throws corrupt_segment naming `label` when the payload is malformed.
 */
export function unpackUnsignedInto(raw: Uint8Array, offset: number, count: number, out: { [index: number]: number }, label: string): void {
  if (raw.length < offset + PACKED_HEADER_BYTES) throw corruptSegment(`${label}: packed payload too short for its bit width`);
  const header = new DataView(raw.buffer, raw.byteOffset + offset, PACKED_HEADER_BYTES);
  const bitWidth = header.getUint32(0, true);
  if (bitWidth > 32) throw corruptSegment(`${label}: bit width ${bitWidth} is over 32`);
  const wordCount = Math.ceil((count * bitWidth) / 32);
  if (raw.length - offset !== packedSizeBytes(count, bitWidth)) {
    throw corruptSegment(`${label}: holds ${raw.length - offset} packed bytes, expected ${packedSizeBytes(count, bitWidth)} for ${count} values of ${bitWidth} bits`);
  }
  const words = new Uint32Array(raw.buffer, raw.byteOffset + offset + PACKED_HEADER_BYTES, wordCount);
  if (bitWidth === 0) {
    for (let index = 0; index < count; index++) out[index] = 0;
  } else if (bitWidth === 32) {
    for (let index = 0; index < count; index++) out[index] = words[index]!;
  } else if (bitWidth === 8 || bitWidth === 16) {
    unpackAligned(words, count, bitWidth, out);
  } else {
    unpackGeneric(words, count, bitWidth, out);
  }
}

function unpackAligned(words: Uint32Array, count: number, bitWidth: 8 | 16, out: { [index: number]: number }): void {
  const lanes = bitWidth === 8 ? new Uint8Array(words.buffer, words.byteOffset, count) : new Uint16Array(words.buffer, words.byteOffset, count);
  for (let index = 0; index < count; index++) out[index] = lanes[index]!;
}

function unpackGeneric(words: Uint32Array, count: number, bitWidth: number, out: { [index: number]: number }): void {
  const mask = 2 ** bitWidth - 1;
  let word = 0;
  let shift = 0;
  for (let index = 0; index < count; index++) {
    let value = words[word]! >>> shift;
    shift += bitWidth;
    if (shift >= 32) {
      shift -= 32;
      word++;
      if (shift > 0) value |= words[word]! << (bitWidth - shift);
    }
    out[index] = (value & mask) >>> 0;
  }
}
