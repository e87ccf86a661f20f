// A column's values as 53-bit hashes for HyperLogLog (cardinality, hyperUnique over raw values).
// String values are hashed once per dictionary entry (cached per dictionary), never once per row;
// numbers hash their float64 bytes. A null value has no hash (-1 in the dictionary tables).
import type { DictionaryIds } from '../../segment-format/columns.js';
import type { HyperLogLog } from '../hyper-log-log.js';
import { hash53OfBytes, hash53OfString } from '../murmur3.js';
import type { QueryableSegment } from '../queryable-segment.js';
import { numericInput, numericKindOf } from './numeric-input.js';

export type ColumnHashes =
  | { readonly kind: 'single'; readonly ids: DictionaryIds; readonly hashes: Float64Array }
  | { readonly kind: 'multi'; readonly offsets: Uint32Array; readonly ids: DictionaryIds; readonly hashes: Float64Array }
  | { readonly kind: 'numeric'; readonly values: Float64Array | Float32Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'missing' };

/** Marks a null dictionary value in ColumnHashes tables. */
export const NULL_HASH = -1;

const dictionaryHashCache = new WeakMap<object, Float64Array>();

export function columnHashes(segment: QueryableSegment, name: string): ColumnHashes {
  const column = segment.column(name);
  if (column !== undefined && column.kind === 'string') {
    let hashes = dictionaryHashCache.get(column.dictionary);
    if (hashes === undefined) {
      hashes = Float64Array.from(column.dictionary, (value) => (value === null ? NULL_HASH : hash53OfString(value)));
      dictionaryHashCache.set(column.dictionary, hashes);
    }
    if (column.multiValue) return { kind: 'multi', offsets: column.offsets, ids: column.ids, hashes };
    return { kind: 'single', ids: column.ids, hashes };
  }
  const kind = numericKindOf(segment, name);
  if (kind === null) return { kind: 'missing' };
  const input = numericInput(segment, name, kind);
  if (input.kind !== 'rows') return { kind: 'missing' };
  return { kind: 'numeric', values: input.values, nulls: input.nulls };
}

const numberScratch = new Float64Array(1);
const numberBytes = new Uint8Array(numberScratch.buffer);

/** Hash of a number's float64 bytes (-0 hashes as 0, so equal numbers hash equally). */
export function hashNumber(value: number): number {
  numberScratch[0] = value === 0 ? 0 : value;
  return hash53OfBytes(numberBytes, 8);
}

/**
 * Add every non-null value of rows[i] to sketchOf(groups[i]). Multi-value rows add each value.
 * `sketchOf` returns the group's sketch, creating it on first use.
 */
export function addValueHashes(
  column: ColumnHashes,
  rows: Uint32Array,
  groups: Uint32Array,
  length: number,
  sketches: (HyperLogLog | undefined)[],
  create: () => HyperLogLog,
): void {
  if (column.kind === 'single') {
    const { ids, hashes } = column;
    for (let index = 0; index < length; index++) {
      const hash = hashes[ids[rows[index]!]!]!;
      if (hash === NULL_HASH) continue;
      const group = groups[index]!;
      (sketches[group] ??= create()).addHash(hash);
    }
  } else if (column.kind === 'multi') {
    const { offsets, ids, hashes } = column;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      const group = groups[index]!;
      for (let position = offsets[row]!; position < offsets[row + 1]!; position++) {
        const hash = hashes[ids[position]!]!;
        if (hash !== NULL_HASH) (sketches[group] ??= create()).addHash(hash);
      }
    }
  } else if (column.kind === 'numeric') {
    const { values, nulls } = column;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      if (nulls !== null && nulls[row] === 1) continue;
      (sketches[groups[index]!] ??= create()).addHash(hashNumber(values[row]!));
    }
  }
}
