// Per-group typed-array state for accumulators: groups are dense ids chosen by the caller, so state
// lives in arrays indexed by group and grows by doubling (amortised O(1), no per-row allocation).
// Hot loops check `group >= array.length` inline and grow on the rare miss, which measured faster
// than a separate pass to find the largest group.

/** Capacity ≥ needed, doubling from the current one so repeated growth is amortised. */
export function grownCapacity(current: number, needed: number): number {
  let capacity = Math.max(current, 16);
  while (capacity < needed) capacity *= 2;
  return capacity;
}

export function growFloat64(array: Float64Array<ArrayBuffer>, capacity: number, fill: number): Float64Array<ArrayBuffer> {
  if (array.length >= capacity) return array;
  const grown = new Float64Array(capacity);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

export function growUint8(array: Uint8Array<ArrayBuffer>, capacity: number): Uint8Array<ArrayBuffer> {
  if (array.length >= capacity) return array;
  const grown = new Uint8Array(capacity);
  grown.set(array);
  return grown;
}

/** Growable Uint32Array scratch space, reused across calls so filtering rows allocates nothing. */
export function ensureUint32(array: Uint32Array<ArrayBuffer>, length: number): Uint32Array<ArrayBuffer> {
  return array.length >= length ? array : new Uint32Array(grownCapacity(array.length, length));
}
