// Interns byte strings (ASCII slices of an input buffer) to small integer keys without decoding them:
// an open-addressing table over a byte arena. The fast JSON path looks dimension values up here so a
// value seen before costs a hash and a compare, not a string allocation and a Map lookup.
//
// Each slot is four int32s: hash, key, and the bytes themselves when they are short (up to 7 bytes:
// two words, zero padded, the length in the top byte), else their arena offset and length. With 100k
// values the table is larger than the caches; this way a probe for a short value costs one cache miss
// (the slot), not one per parallel array plus one for the bytes.
import { assert } from '../cluster/errors.js';

const SLOT_INTS = 4;
const SLOT_SHIFT = 2;
const HASH = 0;
const KEY = 1;
/** Short value: its bytes 0–3; long value: its arena offset. */
const LOW_WORD = 2;
/** Short value: its bytes 4–6 and its length << 24 (non-negative); long value: LONG_VALUE | length. */
const HIGH_WORD = 3;
const LONG_VALUE = 0x80000000 | 0;
const SHORT_LENGTH_MAX = 7;
const EMPTY_KEY = -1;
const INITIAL_SLOTS = 1 << 10;

function emptySlots(count: number): Int32Array {
  return new Int32Array(count * SLOT_INTS).fill(EMPTY_KEY);
}

/** Bytes 0–3 of bytes[start, end) as a little-endian word, zero padded. */
function lowWord(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length >= 4) return bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24);
  let word = 0;
  for (let index = 0; index < length; index++) word |= bytes[start + index]! << (index * 8);
  return word;
}

/** Bytes 4–6 of bytes[start, end) (at most 7 bytes), zero padded, with the length in the top byte. */
function highWord(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let word = length << 24;
  for (let index = 4; index < length; index++) word |= bytes[start + index]! << ((index - 4) * 8);
  return word;
}

export class ByteInternTable {
  private slots: Int32Array = emptySlots(INITIAL_SLOTS);
  /** (slot count - 1) * SLOT_INTS: masks a probe position that steps SLOT_INTS at a time. */
  private positionMask = (INITIAL_SLOTS - 1) * SLOT_INTS;
  private arena: Uint8Array = new Uint8Array(1 << 12);
  private arenaView: DataView<ArrayBufferLike> = new DataView(this.arena.buffer);
  /** A view of the bytes last looked up (made again when they change), to compare a word at a time. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewBytes: Uint8Array | null = null;
  private arenaLength = 0;
  private count = 0;

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** The key stored for bytes[start, end), or -1 when absent. `hash` is hashBytes of the same bytes. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.positionMask;
    const length = end - start;
    if (length <= SHORT_LENGTH_MAX) {
      const low = lowWord(bytes, start, end);
      const high = highWord(bytes, start, end);
      for (let position = (hash << SLOT_SHIFT) & mask; ; position = (position + SLOT_INTS) & mask) {
        const key = slots[position + KEY]!;
        if (key === EMPTY_KEY) return -1;
        if (slots[position + LOW_WORD] === low && slots[position + HIGH_WORD] === high) return key;
      }
    }
    const high = LONG_VALUE | length;
    for (let position = (hash << SLOT_SHIFT) & mask; ; position = (position + SLOT_INTS) & mask) {
      const key = slots[position + KEY]!;
      if (key === EMPTY_KEY) return -1;
      if (slots[position + HASH] === hash && slots[position + HIGH_WORD] === high && this.equals(bytes, start, length, slots[position + LOW_WORD]!)) return key;
    }
  }

  /** Whether bytes[start, start + length) (length >= 4) equal the arena's at `offset`: a word at a time, the last one overlapping. */
  private equals(bytes: Uint8Array, start: number, length: number, offset: number): boolean {
    if (bytes !== this.viewBytes) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewBytes = bytes;
    }
    const view = this.view;
    const arenaView = this.arenaView;
    const lastWord = length - 4;
    for (let index = 0; index < lastWord; index += 4) if (view.getInt32(start + index, true) !== arenaView.getInt32(offset + index, true)) return false;
    return view.getInt32(start + lastWord, true) === arenaView.getInt32(offset + lastWord, true);
  }

  /** Records bytes[start, end) → key (the bytes must be absent; key >= 0). */
  insert(bytes: Uint8Array, start: number, end: number, hash: number, key: number): void {
    assert(key >= 0, 'ByteInternTable keys are non-negative (-1 marks an empty slot)');
    const length = end - start;
    let low: number;
    let high: number;
    if (length <= SHORT_LENGTH_MAX) {
      low = lowWord(bytes, start, end);
      high = highWord(bytes, start, end);
    } else {
      low = this.arenaLength;
      high = LONG_VALUE | length;
      this.append(bytes, start, end);
    }
    this.count++;
    if (this.count * 2 > this.slots.length / SLOT_INTS) this.rehash();
    this.place(this.slots, hash, key, low, high);
  }

  private append(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.arenaLength + length > this.arena.length) {
      let size = this.arena.length * 2;
      while (size < this.arenaLength + length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.arena);
      this.arena = grown;
      this.arenaView = new DataView(grown.buffer);
    }
    const arena = this.arena;
    for (let index = start, offset = this.arenaLength; index < end; index++, offset++) arena[offset] = bytes[index]!;
    this.arenaLength += length;
  }

  private place(slots: Int32Array, hash: number, key: number, low: number, high: number): void {
    const mask = this.positionMask;
    let position = (hash << SLOT_SHIFT) & mask;
    while (slots[position + KEY] !== EMPTY_KEY) position = (position + SLOT_INTS) & mask;
    slots[position + HASH] = hash;
    slots[position + KEY] = key;
    slots[position + LOW_WORD] = low;
    slots[position + HIGH_WORD] = high;
  }

  private rehash(): void {
    const old = this.slots;
    const slotCount = (old.length / SLOT_INTS) * 2;
    this.slots = emptySlots(slotCount);
    this.positionMask = (slotCount - 1) * SLOT_INTS;
    for (let position = 0; position < old.length; position += SLOT_INTS) {
      const key = old[position + KEY]!;
      if (key !== EMPTY_KEY) this.place(this.slots, old[position + HASH]!, key, old[position + LOW_WORD]!, old[position + HIGH_WORD]!);
    }
  }
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
