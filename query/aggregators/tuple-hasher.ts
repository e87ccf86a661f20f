// Combines a sequence of 53-bit value hashes (or small negative markers) into one 53-bit hash,
// order-sensitive, without allocating: the MurmurHash3 block mix applied to each value's two
// 32-bit halves, then its finalisation. Used to hash a row's tuple of values (cardinality byRow).
import { finalMix, rotateLeft } from '../murmur3.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(state: number, word: number): number {
  const block = Math.imul(rotateLeft(Math.imul(word, C1), 15), C2);
  return (Math.imul(rotateLeft(state ^ block, 13), 5) + 0xe6546b64) | 0;
}

export class TupleHasher {
  private low = 0;
  private high = 0;
  private count = 0;

  reset(): void {
    this.low = 0x9747b28c;
    this.high = 0x5bd1e995;
    this.count = 0;
  }

  /** Mix one value: a hash in [0, 2^53) or a negative marker (such as NULL_HASH). */
  mix(value: number): void {
    const lowWord = value | 0;
    const highWord = Math.floor(value / 0x100000000) | 0;
    this.low = mixBlock(this.low, lowWord);
    this.high = mixBlock(this.high, highWord ^ lowWord);
    this.low = (this.low + this.high) | 0;
    this.count++;
  }

  /** The 53-bit hash of everything mixed since reset(). */
  finish(): number {
    let low = finalMix(this.low ^ this.count);
    let high = finalMix(this.high ^ (this.count * 8));
    low = (low + high) | 0;
    high = (high + low) | 0;
    return (high & 0x1fffff) * 0x100000000 + (low >>> 0);
  }
}
