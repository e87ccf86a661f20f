// Combines per-dimension ids into one numeric key per entry. Dimensions are mixed-radix digits while
// the product of cardinalities stays below 2^52; past that the prefix is interned into a dense id so
// keys stay exact doubles without building strings.
import { SedimentError } from '../../cluster/errors.js';

const EXACT_LIMIT = 2 ** 52;

export class GroupKeyEncoder {
  /** Exclusive upper bound of keys when no interning happens; Infinity otherwise. */
  readonly keySpace: number;
  private readonly internBefore: boolean[];
  private readonly interned: Map<number, number>[];

  constructor(private readonly cardinalities: readonly number[]) {
    this.internBefore = [];
    this.interned = [];
    let product = 1;
    for (const cardinality of cardinalities) {
      const intern = product * cardinality > EXACT_LIMIT;
      this.internBefore.push(intern);
      this.interned.push(new Map());
      product = intern ? Number.POSITIVE_INFINITY : product * Math.max(cardinality, 1);
    }
    this.keySpace = product;
  }

  /** keys[i] = the combined key of ids[0][i], ids[1][i], …, for i < length. */
  encode(ids: readonly Uint32Array[], length: number, keys: Float64Array): void {
    if (ids.length === 0) {
      keys.fill(0, 0, length);
      return;
    }
    keys.set(ids[0]!.subarray(0, length));
    for (let dimension = 1; dimension < ids.length; dimension++) {
      const cardinality = this.cardinalities[dimension]!;
      const digits = ids[dimension]!;
      if (this.internBefore[dimension]) this.internPrefixes(dimension, keys, length);
      for (let position = 0; position < length; position++) keys[position] = keys[position]! * cardinality + digits[position]!;
    }
  }

  private internPrefixes(dimension: number, keys: Float64Array, length: number): void {
    const interned = this.interned[dimension]!;
    for (let position = 0; position < length; position++) {
      const prefix = keys[position]!;
      let id = interned.get(prefix);
      if (id === undefined) {
        id = interned.size;
        if (id * this.cardinalities[dimension]! >= EXACT_LIMIT) {
          throw new SedimentError('resource_limit', 'Too many distinct dimension combinations to group exactly in one segment');
        }
        interned.set(prefix, id);
      }
      keys[position] = id;
    }
  }
}
