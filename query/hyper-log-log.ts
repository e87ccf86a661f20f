// HyperLogLog distinct-count sketch with Druid's size (2^11 registers, ~2.3% standard error).
//
// Hashing: 53 bits of MurmurHash3_x86_128 (see murmur3.ts). The low 11 bits pick the register; the
// rank is 1 + the number of trailing zeros of the other 42 bits (so registers hold 0..43).
//
// Two representations. While a sketch has seen at most EXACT_HASHES_MAX distinct hashes it keeps the
// hashes themselves (a small open-addressing table), so small sets are counted exactly, not
// estimated; past that it switches to dense registers. Dense estimates use Ertl's improved estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which is unbiased from
// the small range (where it behaves like linear counting) to the large range without bias tables.
//
// Serialized form (all integers little-endian), canonical: equal sketches give equal bytes.
//   exact:  [1][count u16][count × hash as 7 bytes], hashes ascending
//   sparse: [2][count u16][count × (register index u16, value u8)], indexes ascending
//   dense:  [3][2048 × value u8]
import { SedimentError } from '../cluster/errors.js';
import { HASH_53_LIMIT, hash53OfBytes, hash53OfString } from './murmur3.js';

const INDEX_BITS = 11;
/** Number of registers (Druid's HyperLogLogCollector uses 2^11). */
export const REGISTER_COUNT = 1 << INDEX_BITS;
const INDEX_MASK = REGISTER_COUNT - 1;
/** Hash bits left for the rank after the register index. */
const RANK_BITS = 53 - INDEX_BITS;
const RANK_MAX = RANK_BITS + 1;
/** Up to this many distinct hashes are kept exactly. */
export const EXACT_HASHES_MAX = 256;
const TABLE_SIZE_INITIAL = 16;

const FORMAT_EXACT = 1;
const FORMAT_SPARSE = 2;
const FORMAT_DENSE = 3;
const HEADER_BYTES = 3;
const HASH_BYTES = 7;
const SPARSE_ENTRY_BYTES = 3;

export class HyperLogLog {
  /** Exact mode: open-addressing table of hash + 1 (0 marks an empty slot); null in dense mode. */
  private table: Float64Array | null;
  private exactCount = 0;
  /** Dense mode: one rank per register; null in exact mode. */
  private registers: Uint8Array | null = null;

  private constructor() {
    this.table = new Float64Array(TABLE_SIZE_INITIAL);
  }

  /** An empty sketch. */
  static create(): HyperLogLog {
    return new HyperLogLog();
  }

  /** Add a string value: hashes its UTF-8 bytes (hash53OfString). */
  addString(value: string): void {
    this.addHash(hash53OfString(value));
  }

  /** Add raw bytes (hash53OfBytes of bytes[0 .. length)). */
  addBytes(bytes: Uint8Array, length = bytes.length): void {
    this.addHash(hash53OfBytes(bytes, length));
  }

  /**
   * Add a precomputed hash: an integer in [0, 2^53) whose bits are uniformly distributed, such as
   * hash53OfString from murmur3.ts. Sketches only merge meaningfully if they hash the same way.
   */
  addHash(hash: number): void {
    if (this.registers !== null) {
      addToRegisters(this.registers, hash);
      return;
    }
    this.addExact(hash);
  }

  private addExact(hash: number): void {
    let table = this.table!;
    const stored = hash + 1;
    const mask = table.length - 1;
    let slot = hash & mask;
    while (table[slot] !== 0) {
      if (table[slot] === stored) return;
      slot = (slot + 1) & mask;
    }
    table[slot] = stored;
    this.exactCount++;
    if (this.exactCount > EXACT_HASHES_MAX) {
      this.convertToDense();
    } else if (this.exactCount * 2 > table.length) {
      this.table = grownTable(table);
    }
  }

  private convertToDense(): void {
    const registers = new Uint8Array(REGISTER_COUNT);
    const table = this.table!;
    for (let slot = 0; slot < table.length; slot++) {
      if (table[slot] !== 0) addToRegisters(registers, table[slot]! - 1);
    }
    this.registers = registers;
    this.table = null;
    this.exactCount = 0;
  }

  /** Union: afterwards this sketch estimates the distinct count of both inputs' values. */
  merge(other: HyperLogLog): this {
    if (other.registers === null) {
      const table = other.table!;
      for (let slot = 0; slot < table.length; slot++) if (table[slot] !== 0) this.addHash(table[slot]! - 1);
      return this;
    }
    if (this.registers === null) this.convertToDense();
    const registers = this.registers!;
    const otherRegisters = other.registers;
    for (let index = 0; index < REGISTER_COUNT; index++) {
      if (otherRegisters[index]! > registers[index]!) registers[index] = otherRegisters[index]!;
    }
    return this;
  }

  /** Merge a serialized sketch without materialising it (hot path of the hyperUnique aggregator). */
  mergeSerialized(bytes: Uint8Array): this {
    const format = bytes.length === 0 ? 0 : bytes[0];
    if (format === FORMAT_EXACT) {
      const count = readCount(bytes, HASH_BYTES);
      if (count > EXACT_HASHES_MAX) throw malformed(`${count} exact hashes exceed ${EXACT_HASHES_MAX}`);
      for (let offset = HEADER_BYTES; offset < bytes.length; offset += HASH_BYTES) this.addHash(readHash(bytes, offset));
    } else if (format === FORMAT_SPARSE) {
      readCount(bytes, SPARSE_ENTRY_BYTES);
      if (this.registers === null) this.convertToDense();
      mergeSparse(this.registers!, bytes);
    } else if (format === FORMAT_DENSE) {
      if (bytes.length !== 1 + REGISTER_COUNT) throw malformed(`dense sketch has ${bytes.length} bytes, expected ${1 + REGISTER_COUNT}`);
      if (this.registers === null) this.convertToDense();
      mergeDense(this.registers!, bytes);
    } else {
      throw malformed(`unknown format byte ${String(format)}`);
    }
    return this;
  }

  /** Estimated number of distinct values added (exact while at most EXACT_HASHES_MAX). */
  estimate(): number {
    if (this.registers === null) return this.exactCount;
    return improvedEstimate(this.registers);
  }

  /** True if nothing was added. */
  isEmpty(): boolean {
    return this.registers === null && this.exactCount === 0;
  }

  /** An independent copy. */
  clone(): HyperLogLog {
    const copy = new HyperLogLog();
    copy.table = this.table === null ? null : this.table.slice();
    copy.exactCount = this.exactCount;
    copy.registers = this.registers === null ? null : this.registers.slice();
    return copy;
  }

  /** Compact canonical bytes: exact hashes, sparse registers or dense registers, whichever applies. */
  serialize(): Uint8Array {
    if (this.registers === null) return serializeExact(this.table!, this.exactCount);
    let nonZero = 0;
    for (let index = 0; index < REGISTER_COUNT; index++) if (this.registers[index] !== 0) nonZero++;
    if (HEADER_BYTES + nonZero * SPARSE_ENTRY_BYTES < 1 + REGISTER_COUNT) return serializeSparse(this.registers, nonZero);
    const bytes = new Uint8Array(1 + REGISTER_COUNT);
    bytes[0] = FORMAT_DENSE;
    bytes.set(this.registers, 1);
    return bytes;
  }

  /** Base64 of serialize(): how a sketch travels in JSON (Druid sends hyperUnique partials so too). */
  toJSON(): string {
    return Buffer.from(this.serialize()).toString('base64');
  }

  /** Parse toJSON()'s base64 text; throws a SedimentError on malformed input. */
  static fromBase64(text: string): HyperLogLog {
    return HyperLogLog.deserialize(new Uint8Array(Buffer.from(text, 'base64')));
  }

  /** Parse serialize()'s bytes; throws a SedimentError on malformed input. */
  static deserialize(bytes: Uint8Array): HyperLogLog {
    return HyperLogLog.create().mergeSerialized(bytes);
  }
}

function addToRegisters(registers: Uint8Array, hash: number): void {
  const index = hash & INDEX_MASK;
  const rest = (hash - index) / REGISTER_COUNT;
  const low = rest >>> 0;
  let trailingZeros: number;
  if (low !== 0) {
    trailingZeros = 31 - Math.clz32(low & -low);
  } else {
    const high = (rest - low) / 0x100000000;
    trailingZeros = high === 0 ? RANK_BITS : 63 - Math.clz32(high & -high);
  }
  const rank = trailingZeros + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

function grownTable(table: Float64Array): Float64Array {
  const grown = new Float64Array(table.length * 2);
  const mask = grown.length - 1;
  for (let slot = 0; slot < table.length; slot++) {
    const stored = table[slot]!;
    if (stored === 0) continue;
    let target = (stored - 1) & mask;
    while (grown[target] !== 0) target = (target + 1) & mask;
    grown[target] = stored;
  }
  return grown;
}

function improvedEstimate(registers: Uint8Array): number {
  const counts = new Float64Array(RANK_MAX + 1);
  for (let index = 0; index < REGISTER_COUNT; index++) counts[registers[index]!]!++;
  const m = REGISTER_COUNT;
  let z = m * tau(1 - counts[RANK_MAX]! / m);
  for (let rank = RANK_BITS; rank >= 1; rank--) z = 0.5 * (z + counts[rank]!);
  z += m * sigma(counts[0]! / m);
  return (m * m) / (2 * Math.LN2) / z;
}

/** sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1); infinite at x = 1 (all registers empty → estimate 0). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let power = x;
  let weight = 1;
  let sum = x;
  for (;;) {
    power *= power;
    const previous = sum;
    sum += power * weight;
    weight += weight;
    if (sum === previous) return sum;
  }
}

/** tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    const previous = sum;
    weight *= 0.5;
    sum -= (1 - root) * (1 - root) * weight;
    if (sum === previous) return sum / 3;
  }
}

function serializeExact(table: Float64Array, count: number): Uint8Array {
  const hashes = new Float64Array(count);
  let cursor = 0;
  for (let slot = 0; slot < table.length; slot++) if (table[slot] !== 0) hashes[cursor++] = table[slot]! - 1;
  hashes.sort();
  const bytes = new Uint8Array(HEADER_BYTES + count * HASH_BYTES);
  bytes[0] = FORMAT_EXACT;
  bytes[1] = count & 0xff;
  bytes[2] = count >>> 8;
  for (let index = 0; index < count; index++) writeHash(bytes, HEADER_BYTES + index * HASH_BYTES, hashes[index]!);
  return bytes;
}

function serializeSparse(registers: Uint8Array, nonZero: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + nonZero * SPARSE_ENTRY_BYTES);
  bytes[0] = FORMAT_SPARSE;
  bytes[1] = nonZero & 0xff;
  bytes[2] = nonZero >>> 8;
  let offset = HEADER_BYTES;
  for (let index = 0; index < REGISTER_COUNT; index++) {
    if (registers[index] === 0) continue;
    bytes[offset] = index & 0xff;
    bytes[offset + 1] = index >>> 8;
    bytes[offset + 2] = registers[index]!;
    offset += SPARSE_ENTRY_BYTES;
  }
  return bytes;
}

function writeHash(bytes: Uint8Array, offset: number, hash: number): void {
  const low = hash >>> 0;
  const high = (hash - low) / 0x100000000;
  bytes[offset] = low & 0xff;
  bytes[offset + 1] = (low >>> 8) & 0xff;
  bytes[offset + 2] = (low >>> 16) & 0xff;
  bytes[offset + 3] = low >>> 24;
  bytes[offset + 4] = high & 0xff;
  bytes[offset + 5] = (high >>> 8) & 0xff;
  bytes[offset + 6] = high >>> 16;
}

function readHash(bytes: Uint8Array, offset: number): number {
  const low = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
  const high = bytes[offset + 4]! | (bytes[offset + 5]! << 8) | (bytes[offset + 6]! << 16);
  const hash = high * 0x100000000 + low;
  if (hash >= HASH_53_LIMIT) throw malformed('hash exceeds 53 bits');
  return hash;
}

/** The entry count of an exact or sparse sketch, checked against the byte length. */
function readCount(bytes: Uint8Array, entryBytes: number): number {
  if (bytes.length < HEADER_BYTES) throw malformed(`truncated header (${bytes.length} bytes)`);
  const count = bytes[1]! | (bytes[2]! << 8);
  if (bytes.length !== HEADER_BYTES + count * entryBytes) {
    throw malformed(`${bytes.length} bytes do not hold ${count} entries of ${entryBytes} bytes`);
  }
  return count;
}

function mergeSparse(registers: Uint8Array, bytes: Uint8Array): void {
  for (let offset = HEADER_BYTES; offset < bytes.length; offset += SPARSE_ENTRY_BYTES) {
    const index = bytes[offset]! | (bytes[offset + 1]! << 8);
    const value = bytes[offset + 2]!;
    if (index >= REGISTER_COUNT || value === 0 || value > RANK_MAX) throw malformed(`bad sparse entry ${index}=${value}`);
    if (value > registers[index]!) registers[index] = value;
  }
}

function mergeDense(registers: Uint8Array, bytes: Uint8Array): void {
  for (let index = 0; index < REGISTER_COUNT; index++) {
    const value = bytes[index + 1]!;
    if (value > RANK_MAX) throw malformed(`register ${index} holds ${value} > ${RANK_MAX}`);
    if (value > registers[index]!) registers[index] = value;
  }
}

function malformed(detail: string): SedimentError {
  return new SedimentError('invalid_input', `malformed HyperLogLog sketch: ${detail}`);
}
