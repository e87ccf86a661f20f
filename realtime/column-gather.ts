// An index column's storage as plain data, and the segment column of some rows of it in a given
// order. The index's own snapshots use it, and so do the ingestion workers: handed a column's storage
// and the shared sorted order, a worker builds the segment column itself and encodes it, so building
// columns leaves the main thread (see parallel-column-encoder.ts).
import RoaringModule from 'roaring';
import { allocateIds, idWidthFor, type ColumnData, type Dictionary, type DictionaryIds } from '../segment-format/columns.js';
import type { ScratchMemory } from '../segment-format/scratch-memory.js';

/** LONG metric values held in integers as narrow as they allow (RunStore), each type's null below. */
export type IntegerValues = Uint8Array | Uint16Array | Int32Array;

/** Null in integer LONG storage: the one value of the type that is not stored as itself. */
export const UINT8_NULL = 0xff;
export const UINT16_NULL = 0xffff;
export const INT32_NULL = -0x80000000;

/** The value that stands for null in these stored numbers (NaN in float64). */
export function storedNullOf(values: IntegerValues | Float64Array): number {
  if (values instanceof Uint8Array) return UINT8_NULL;
  if (values instanceof Uint16Array) return UINT16_NULL;
  if (values instanceof Int32Array) return INT32_NULL;
  return Number.NaN;
}

const { RoaringBitmap32 } = RoaringModule;

/** One index column's storage; arrays hold at least every row the order names. */
export type ColumnStorage =
  /** A numeric metric: NaN stands for null, or in integer values (LONG only, see RunStore) storedNullOf(values). */
  | { readonly kind: 'metric'; readonly storage: 'long' | 'float' | 'double'; readonly values: Float64Array | IntegerValues }
  /** A numeric dimension: row keys into `values`; key 0 is null. */
  | { readonly kind: 'numericDimension'; readonly storage: 'long' | 'float' | 'double'; readonly keys: Int32Array; readonly values: readonly number[] }
  /**
   * A string dimension: row keys into `values` (key 0 null), or -(i + 1) for the multi-value list
   * lists[i] of keys; byRank lists the keys in sorted value order (null first).
   */
  | {
      readonly kind: 'stringDimension';
      /** Int32 in an index; as narrow as the ids allow in a RunStore (no multi-value lists then). */
      readonly keys: Int32Array | Uint16Array | Uint8Array;
      readonly values: readonly (string | null)[];
      readonly lists: readonly (readonly number[])[];
      readonly byRank: Int32Array;
    };

/**
 * The segment column of rows order[0..] (a copy; a string dictionary holds only the values used).
 * With `scratch`, its largest arrays live there: the column is then valid only until the next
 * gather into the same scratch (a worker encodes it at once).
 */
export function gatherColumn(storage: ColumnStorage, order: Uint32Array, scratch?: ScratchMemory): ColumnData {
  switch (storage.kind) {
    case 'metric':
      return storage.values instanceof Float64Array ? gatherMetric(storage.storage, storage.values, order, scratch) : gatherIntegerLongs(storage.values, order, scratch);
    case 'numericDimension':
      return gatherNumericDimension(storage.storage, storage.keys, storage.values, order);
    case 'stringDimension':
      return gatherStrings(storage, order, scratch);
  }
}

// The gathers below note whether any value is null while they copy, one loop per array type so each
// loop's loads and stores stay monomorphic; only then does nullsZeroed look for the null rows.

function gatherMetric(kind: 'long' | 'float' | 'double', source: Float64Array, order: Uint32Array, scratch: ScratchMemory | undefined): ColumnData {
  if (kind === 'float') {
    const values = new Float32Array(order.length);
    let anyNull = false;
    for (let index = 0; index < order.length; index++) {
      const value = source[order[index]!]!;
      values[index] = value;
      if (value !== value) anyNull = true;
    }
    return { kind, values, nulls: anyNull ? nullsZeroed(values, Number.NaN) : null };
  }
  const values = scratch === undefined ? new Float64Array(order.length) : scratch.float64('gatheredValues', order.length);
  let anyNull = false;
  for (let index = 0; index < order.length; index++) {
    const value = source[order[index]!]!;
    values[index] = value;
    if (value !== value) anyNull = true;
  }
  return { kind, values, nulls: anyNull ? nullsZeroed(values, Number.NaN) : null };
}

/** A LONG metric stored in integers (see RunStore), storedNullOf(source) for null. */
function gatherIntegerLongs(source: IntegerValues, order: Uint32Array, scratch: ScratchMemory | undefined): ColumnData {
  const values = scratch === undefined ? new Float64Array(order.length) : scratch.float64('gatheredValues', order.length);
  const nullValue = storedNullOf(source);
  let anyNull = false;
  for (let index = 0; index < order.length; index++) {
    const value = source[order[index]!]!;
    values[index] = value;
    if (value === nullValue) anyNull = true;
  }
  return { kind: 'long', values, nulls: anyNull ? nullsZeroed(values, nullValue) : null };
}

/** The rows holding `nullValue` (NaN: any NaN), each set to 0 as a null row is stored; null when there are none. */
function nullsZeroed(values: Float64Array | Float32Array, nullValue: number): InstanceType<typeof RoaringBitmap32> | null {
  const nullIsNaN = nullValue !== nullValue;
  const nullRows: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (nullIsNaN ? value !== value : value === nullValue) {
      nullRows.push(index);
      values[index] = 0;
    }
  }
  return nullRows.length === 0 ? null : new RoaringBitmap32(nullRows);
}

function gatherNumericDimension(kind: 'long' | 'float' | 'double', keys: Int32Array, source: readonly number[], order: Uint32Array): ColumnData {
  const values = kind === 'float' ? new Float32Array(order.length) : new Float64Array(order.length);
  const nullRows: number[] = [];
  for (let index = 0; index < order.length; index++) {
    const key = keys[order[index]!]!;
    if (key === 0) nullRows.push(index);
    else values[index] = source[key]!;
  }
  return { kind, values, nulls: nullRows.length === 0 ? null : new RoaringBitmap32(nullRows) };
}

function gatherStrings(storage: Extract<ColumnStorage, { kind: 'stringDimension' }>, order: Uint32Array, scratch: ScratchMemory | undefined): ColumnData {
  const { keys, values, lists, byRank } = storage;
  const used = new Uint8Array(values.length);
  let multiValue = false;
  for (let index = 0; index < order.length; index++) {
    const key = keys[order[index]!]!;
    if (key >= 0) used[key] = 1;
    else multiValue = true;
  }
  if (multiValue) {
    for (let index = 0; index < order.length; index++) {
      const key = keys[order[index]!]!;
      if (key < 0) for (const id of lists[-key - 1]!) used[id] = 1;
    }
  }
  // Walking keys in rank order yields the sorted dictionary of used values without a sort.
  const dictionary: (string | null)[] = [];
  const remap = new Uint32Array(values.length);
  for (let rank = 0; rank < byRank.length; rank++) {
    const id = byRank[rank]!;
    if (used[id] === 0) continue;
    remap[id] = dictionary.length;
    dictionary.push(values[id]!);
  }
  if (multiValue) return multiValueStrings(storage, order, dictionary, remap);
  const ids = scratch === undefined ? allocateIds(dictionary.length, order.length) : scratchIds(scratch, dictionary.length, order.length);
  remapInto(ids, keys, remap, order);
  return { kind: 'string', multiValue: false, dictionary, ids };
}

/** allocateIds' array (the width the dictionary needs) in scratch memory. */
function scratchIds(scratch: ScratchMemory, dictionarySize: number, length: number): DictionaryIds {
  const width = idWidthFor(dictionarySize);
  return width === 1 ? scratch.uint8('gatheredIds', length) : width === 2 ? scratch.uint16('gatheredIds', length) : scratch.uint32('gatheredIds', length);
}

/** ids[i] = remap[keys[order[i]]], one loop per id width so each stays monomorphic. */
function remapInto(ids: DictionaryIds, keys: Int32Array | Uint16Array | Uint8Array, remap: Uint32Array, order: Uint32Array): void {
  if (ids instanceof Uint8Array) for (let index = 0; index < order.length; index++) ids[index] = remap[keys[order[index]!]!]!;
  else if (ids instanceof Uint16Array) for (let index = 0; index < order.length; index++) ids[index] = remap[keys[order[index]!]!]!;
  else for (let index = 0; index < order.length; index++) ids[index] = remap[keys[order[index]!]!]!;
}

function multiValueStrings(storage: Extract<ColumnStorage, { kind: 'stringDimension' }>, order: Uint32Array, dictionary: Dictionary, remap: Uint32Array): ColumnData {
  const { keys, lists } = storage;
  const offsets = new Uint32Array(order.length + 1);
  let total = 0;
  for (let index = 0; index < order.length; index++) {
    const key = keys[order[index]!]!;
    total += key >= 0 ? 1 : lists[-key - 1]!.length;
    offsets[index + 1] = total;
  }
  const ids = allocateIds(dictionary.length, total);
  let position = 0;
  for (let index = 0; index < order.length; index++) {
    const key = keys[order[index]!]!;
    if (key >= 0) ids[position++] = remap[key]!;
    else for (const id of lists[-key - 1]!) ids[position++] = remap[id]!;
  }
  return { kind: 'string', multiValue: true, dictionary, offsets, ids };
}
