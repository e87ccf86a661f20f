// Gathers the dimension ids of a batch of rows into one Uint32Array per dimension. A row with
// several values in multi-value dimensions is repeated once per combination of its values, as Druid
// groups multi-value rows (the cartesian product across multi-value dimensions).
import type { EncodedDimension } from './dimension-encoder.js';

export class DimensionIdGatherer {
  /** Row of each gathered entry (rows repeat for multi-value rows). */
  rows: Uint32Array = new Uint32Array(0);
  /** Bucket index of each gathered entry. */
  buckets: Uint32Array = new Uint32Array(0);
  /** ids[d][i]: dimension d's id for entry i. */
  readonly ids: Uint32Array[];
  /** Number of gathered entries. */
  length = 0;
  private readonly hasMultiValue: boolean;
  private readonly cursor: Uint32Array;

  constructor(private readonly dimensions: readonly EncodedDimension[]) {
    this.ids = dimensions.map(() => new Uint32Array(0));
    this.hasMultiValue = dimensions.some((dimension) => dimension.offsets !== null);
    this.cursor = new Uint32Array(dimensions.length);
  }

  gather(rows: Uint32Array, buckets: Uint32Array, length: number): void {
    if (this.hasMultiValue) this.gatherExpanded(rows, buckets, length);
    else this.gatherSingle(rows, buckets, length);
  }

  private gatherSingle(rows: Uint32Array, buckets: Uint32Array, length: number): void {
    this.rows = rows;
    this.buckets = buckets;
    this.length = length;
    this.ensureIdCapacity(length);
    this.dimensions.forEach((dimension, index) => {
      const out = this.ids[index]!;
      const ids = dimension.ids;
      if (ids === null) out.fill(0, 0, length);
      else for (let position = 0; position < length; position++) out[position] = ids[rows[position]!]!;
    });
  }

  private gatherExpanded(rows: Uint32Array, buckets: Uint32Array, length: number): void {
    if (this.rows.length < length) this.rows = new Uint32Array(length * 2);
    if (this.buckets.length < length) this.buckets = new Uint32Array(length * 2);
    this.ensureIdCapacity(length * 2);
    let count = 0;
    for (let position = 0; position < length; position++) {
      const row = rows[position]!;
      let combinations = 1;
      for (const dimension of this.dimensions) {
        if (dimension.offsets !== null) combinations *= dimension.offsets[row + 1]! - dimension.offsets[row]!;
      }
      if (count + combinations > this.rows.length) this.grow(Math.max((count + combinations) * 2, this.rows.length * 2), count);
      this.emitCombinations(row, buckets[position]!, combinations, count);
      count += combinations;
    }
    this.length = count;
  }

  /** Writes the row's value combinations as entries count .. count+combinations-1 (an odometer over values). */
  private emitCombinations(row: number, bucket: number, combinations: number, start: number): void {
    const cursor = this.cursor;
    cursor.fill(0);
    for (let entry = start; entry < start + combinations; entry++) {
      this.rows[entry] = row;
      this.buckets[entry] = bucket;
      for (let index = 0; index < this.dimensions.length; index++) {
        const dimension = this.dimensions[index]!;
        const ids = dimension.ids;
        if (ids === null) this.ids[index]![entry] = 0;
        else if (dimension.offsets === null) this.ids[index]![entry] = ids[row]!;
        else this.ids[index]![entry] = ids[dimension.offsets[row]! + cursor[index]!]!;
      }
      for (let index = this.dimensions.length - 1; index >= 0; index--) {
        const offsets = this.dimensions[index]!.offsets;
        if (offsets === null) continue;
        if (++cursor[index]! < offsets[row + 1]! - offsets[row]!) break;
        cursor[index] = 0;
      }
    }
  }

  private ensureIdCapacity(capacity: number): void {
    for (let index = 0; index < this.ids.length; index++) {
      if (this.ids[index]!.length < capacity) this.ids[index] = new Uint32Array(capacity);
    }
  }

  private grow(capacity: number, used: number): void {
    const rows = new Uint32Array(capacity);
    rows.set(this.rows.subarray(0, used));
    this.rows = rows;
    const buckets = new Uint32Array(capacity);
    buckets.set(this.buckets.subarray(0, used));
    this.buckets = buckets;
    for (let index = 0; index < this.ids.length; index++) {
      const ids = new Uint32Array(capacity);
      ids.set(this.ids[index]!.subarray(0, used));
      this.ids[index] = ids;
    }
  }
}
