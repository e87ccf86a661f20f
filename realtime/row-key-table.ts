// Open-addressing hash table from a row key (time, one integer key per dimension) to the index row
// holding it. Keys are never materialised as strings: a probe compares the staged keys with the
// stored rows' keys. A null dimension key (0) does not enter the hash, so a dimension discovered
// after rows were added (null in those rows) leaves their hashes valid.
import type { DimensionColumn } from './dimension-columns.js';
import { GrowableInt32Array } from './growable-arrays.js';

const EMPTY = -1;
const TWO_TO_32 = 4294967296;

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x9e3779b1) ^ (hash >>> 15);
}

export class RowKeyTable {
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private readonly hashes = new GrowableInt32Array();
  private count = 0;

  /** Hash of a time and the columns' staged keys. */
  stagedHash(time: number, columns: readonly DimensionColumn[]): number {
    let hash = mix(mix(0x12345678, time % TWO_TO_32 | 0), Math.floor(time / TWO_TO_32) | 0);
    for (let index = 0; index < columns.length; index++) {
      const key = columns[index]!.stagedKey;
      if (key !== 0) hash = mix(hash, key + index * 0x01000193);
    }
    return hash;
  }

  /** The row whose time and dimension keys equal the staged ones, or -1. */
  find(hash: number, time: number, times: Float64Array, columns: readonly DimensionColumn[]): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot]!;
      if (row === EMPTY) return -1;
      if (this.hashes.data[row] !== hash || times[row] !== time) continue;
      let equal = true;
      for (let index = 0; index < columns.length && equal; index++) equal = columns[index]!.keyAt(row) === columns[index]!.stagedKey;
      if (equal) return row;
    }
  }

  /** Records that `row` (the next row, numbered densely from 0) has `hash`. */
  insert(row: number, hash: number): void {
    this.hashes.push(hash);
    this.count++;
    if (this.count * 2 > this.slots.length) this.grow();
    else this.place(row, hash);
  }

  private place(row: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = row;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (let row = 0; row < this.count; row++) this.place(row, this.hashes.data[row]!);
  }

  clear(): void {
    this.slots = new Int32Array(1 << 12).fill(EMPTY);
    this.hashes.clear();
    this.count = 0;
  }
}
