// Interns byte strings (ASCII slices of an input buffer) to small integer keys without decoding them:
// an open-addressing table over a byte arena. The fast JSON path looks dimension values up here so a
// value seen before costs a hash and a compare, not a string allocation and a Map lookup.

const EMPTY = -1;

export class ByteInternTable {
  private slots: Int32Array = new Int32Array(1 << 10).fill(EMPTY);
  private hashes: Int32Array = new Int32Array(512);
  private starts: Int32Array = new Int32Array(512);
  private lengths: Int32Array = new Int32Array(512);
  private keys: Int32Array = new Int32Array(512);
  private arena: Uint8Array = new Uint8Array(1 << 14);
  private arenaLength = 0;
  private count = 0;

  /** The key stored for bytes[start, end), or -1 when absent. `hash` is hashBytes of the same bytes. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return -1;
      if (this.hashes[entry] !== hash || this.lengths[entry] !== length) continue;
      const arena = this.arena;
      let offset = this.starts[entry]!;
      let index = start;
      while (index < end && arena[offset] === bytes[index]) {
        offset++;
        index++;
      }
      if (index === end) return this.keys[entry]!;
    }
  }

  /** Records bytes[start, end) → key (the bytes must be absent). */
  insert(bytes: Uint8Array, start: number, end: number, hash: number, key: number): void {
    const length = end - start;
    if (this.arenaLength + length > this.arena.length) this.arena = grownBytes(this.arena, this.arenaLength + length);
    this.arena.set(bytes.subarray(start, end), this.arenaLength);
    if (this.count === this.hashes.length) this.growEntries();
    const entry = this.count++;
    this.hashes[entry] = hash;
    this.starts[entry] = this.arenaLength;
    this.lengths[entry] = length;
    this.keys[entry] = key;
    this.arenaLength += length;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[entry]! & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (let entry = 0; entry < this.count; entry++) this.place(entry);
  }

  private growEntries(): void {
    const grow = (array: Int32Array): Int32Array => {
      const grown = new Int32Array(array.length * 2);
      grown.set(array);
      return grown;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.keys = grow(this.keys);
  }
}

function grownBytes(bytes: Uint8Array, needed: number): Uint8Array {
  let size = bytes.length * 2;
  while (size < needed) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(bytes);
  return grown;
}

/** Starting state of a byte hash; feed bytes with hashStep, then hashFinish. */
export const HASH_SEED = 0x811c9dc5;

export function hashStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

export function hashFinish(hash: number, length: number): number {
  const mixed = hash ^ length;
  return mixed ^ (mixed >>> 15);
}

/** Hash of bytes[start, end) for ByteInternTable. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let index = start; index < end; index++) hash = hashStep(hash, bytes[index]!);
  return hashFinish(hash, end - start);
}
