// MurmurHash3, x86 128-bit variant (Austin Appleby's published algorithm, public domain), written
// from the algorithm description. We use the x86 variant rather than x64 because it needs only
// 32-bit multiplies (Math.imul), which JavaScript does natively; it still yields 128 well-mixed bits,
// of which HyperLogLog takes 53 (the largest integer a double holds exactly).

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** 32-bit rotate left (the Murmur family's ROTL32). */
export function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

/** MurmurHash3's 32-bit finalisation mix (fmix32). */
export function finalMix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function readWord(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

/** Tail bytes (fewer than 4) of lane `lane` read as a little-endian partial word. */
function readTail(bytes: Uint8Array, offset: number, count: number): number {
  let word = 0;
  for (let index = count - 1; index >= 0; index--) word = (word << 8) | bytes[offset + index]!;
  return word;
}

/**
 * MurmurHash3_x86_128 of bytes[0 .. length). Writes the four 32-bit words h1..h4 (unsigned) into
 * `out` (length ≥ 4) so hot callers allocate nothing.
 */
export function murmur3X86Hash128(bytes: Uint8Array, length: number, seed: number, out: Uint32Array): void {
  let h1 = seed | 0;
  let h2 = seed | 0;
  let h3 = seed | 0;
  let h4 = seed | 0;
  const blockEnd = length - (length & 15);
  for (let offset = 0; offset < blockEnd; offset += 16) {
    let k1 = readWord(bytes, offset);
    let k2 = readWord(bytes, offset + 4);
    let k3 = readWord(bytes, offset + 8);
    let k4 = readWord(bytes, offset + 12);
    k1 = Math.imul(rotateLeft(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotateLeft(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotateLeft(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotateLeft(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotateLeft(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotateLeft(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotateLeft(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotateLeft(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tailLength = length & 15;
  // Lanes are filled from the tail in order k1, k2, k3, k4; a lane is mixed only if it got bytes.
  if (tailLength > 12) h4 ^= Math.imul(rotateLeft(Math.imul(readTail(bytes, blockEnd + 12, tailLength - 12), C4), 18), C1);
  if (tailLength > 8) {
    h3 ^= Math.imul(rotateLeft(Math.imul(readTail(bytes, blockEnd + 8, Math.min(4, tailLength - 8)), C3), 17), C4);
  }
  if (tailLength > 4) {
    h2 ^= Math.imul(rotateLeft(Math.imul(readTail(bytes, blockEnd + 4, Math.min(4, tailLength - 4)), C2), 16), C3);
  }
  if (tailLength > 0) h1 ^= Math.imul(rotateLeft(Math.imul(readTail(bytes, blockEnd, Math.min(4, tailLength)), C1), 15), C2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = finalMix(h1);
  h2 = finalMix(h2);
  h3 = finalMix(h3);
  h4 = finalMix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/** Largest hash value plus one: hashes are integers in [0, 2^53). */
export const HASH_53_LIMIT = 2 ** 53;

const words = new Uint32Array(4);
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** 53 bits of MurmurHash3_x86_128 (seed 0): the low 21 bits of h1 above all 32 bits of h2. */
export function hash53OfBytes(bytes: Uint8Array, length: number): number {
  murmur3X86Hash128(bytes, length, 0, words);
  return (words[0]! & 0x1fffff) * 0x100000000 + words[1]!;
}

/** hash53OfBytes of the UTF-8 encoding of `value`, without allocating per call. */
export function hash53OfString(value: string): number {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (value.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(value.length * 3, scratch.length * 2));
  const { written } = encoder.encodeInto(value, scratch);
  return hash53OfBytes(scratch, written);
}
