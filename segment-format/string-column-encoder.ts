// Encodes single- and multi-value string columns: dictionary, ids (and offsets), bitmaps.
import { allocateIds, idWidthFor, type DictionaryIds, type MultiValueStringColumnData, type StringColumnData } from './columns.js';
import { groupRowsById, type GroupedRows } from './bitmap-index-builder.js';
import { encodeBitmapRuns } from './bitmap-section.js';
import { compressBlocks } from './block-compression.js';
import { encodeDictionary } from './dictionary-codec.js';
import { bytesOf, type EncodedColumn } from './encoded-column.js';
import { bitWidthFor, packedSizeBytes, packUnsigned, packUnsignedInto } from './packed-integers.js';
import type { ScratchMemory } from './scratch-memory.js';
import { invalidSegmentInput } from './segment-format-error.js';

export function encodeStringColumn(name: string, column: StringColumnData, rowCount: number, scratch?: ScratchMemory): EncodedColumn {
  if (column.ids.length !== rowCount) throw invalidSegmentInput(`column ${name}: has ${column.ids.length} ids for ${rowCount} rows`);
  const ids = canonicalIds(name, column.ids, column.dictionary.length);
  const bitmaps = groupRowsById({ ...column, ids }, name, scratch?.uint32('groupedRows', ids.length));
  const hasNulls = nullRowsExist(column.dictionary, bitmaps);
  const storedIds = compressIds(ids, column.dictionary.length, scratch);
  return {
    encoding: 'string',
    idWidthBytes: ids.BYTES_PER_ELEMENT as 1 | 2 | 4,
    sections: [
      ['dictionary', compressBlocks(encodeDictionary(column.dictionary, name))],
      ['ids', storedIds],
      ...bitmapsSection(bitmaps, storedIds, scratch),
    ],
    stats: { type: 'STRING', multiValue: false, hasNulls, ...dictionaryStats(column.dictionary) },
  };
}

export function encodeMultiValueStringColumn(name: string, column: MultiValueStringColumnData, rowCount: number): EncodedColumn {
  const multiValue = checkOffsets(name, column.offsets, column.ids.length, rowCount);
  const ids = canonicalIds(name, column.ids, column.dictionary.length);
  const bitmaps = groupRowsById({ ...column, ids }, name);
  const hasNulls = nullRowsExist(column.dictionary, bitmaps);
  const storedIds = compressIds(ids, column.dictionary.length);
  return {
    encoding: 'multiValueString',
    idWidthBytes: ids.BYTES_PER_ELEMENT as 1 | 2 | 4,
    sections: [
      ['dictionary', compressBlocks(encodeDictionary(column.dictionary, name))],
      ['offsets', compressBlocks(bytesOf(column.offsets))],
      ['ids', storedIds],
      ...bitmapsSection(bitmaps, storedIds),
    ],
    stats: { type: 'STRING', multiValue, hasNulls, ...dictionaryStats(column.dictionary) },
  };
}

// An inverted index smaller than this is always kept, whatever the ids cost.
const BITMAPS_KEPT_BYTES = 64 * 1024;

/**
 * The ids packed at the fewest bits that hold the dictionary, or at their byte width when zstd
 * shrinks that more (byte-aligned ids of a skewed column compress better than packed ones).
 */
function compressIds(ids: DictionaryIds, dictionarySize: number, scratch?: ScratchMemory): Uint8Array {
  const packedWidth = bitWidthFor(dictionarySize);
  const packed = compressBlocks(packIds(ids, packedWidth, scratch));
  const byteWidth = 8 * ids.BYTES_PER_ELEMENT;
  if (byteWidth === packedWidth) return packed;
  const aligned = compressBlocks(packIds(ids, byteWidth, scratch));
  return aligned.length < packed.length ? aligned : packed;
}

/** The packed ids payload, in scratch memory when given (it is compressed at once). */
function packIds(ids: DictionaryIds, bitWidth: number, scratch: ScratchMemory | undefined): Uint8Array {
  if (scratch === undefined) return packUnsigned(ids, ids.length, bitWidth);
  const bytes = scratch.bytes('packedIds', packedSizeBytes(ids.length, bitWidth));
  packUnsignedInto(ids, ids.length, bitWidth, new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2), 1);
  return bytes;
}

/**
 * The bitmaps section, left out when it would cost more than the ids it indexes (random rows of a
 * high-cardinality column): readers then group the ids into bitmaps on first use.
 */
function bitmapsSection(grouped: GroupedRows, storedIds: Uint8Array, scratch?: ScratchMemory): [string, Uint8Array][] {
  const stored = compressBlocks(encodeBitmapRuns(grouped, scratch));
  return stored.length <= Math.max(storedIds.length, BITMAPS_KEPT_BYTES) ? [['bitmaps', stored]] : [];
}

/** Checks the offsets contract (every row has at least one value) and reports whether some row has several. */
function checkOffsets(name: string, offsets: Uint32Array, idCount: number, rowCount: number): boolean {
  if (offsets.length !== rowCount + 1) throw invalidSegmentInput(`column ${name}: offsets has length ${offsets.length}, expected ${rowCount + 1}`);
  if (offsets[0] !== 0) throw invalidSegmentInput(`column ${name}: offsets[0] must be 0`);
  if (offsets[rowCount] !== idCount) throw invalidSegmentInput(`column ${name}: offsets[${rowCount}] must equal the id count ${idCount}`);
  let multiValue = false;
  for (let row = 0; row < rowCount; row++) {
    const length = offsets[row + 1]! - offsets[row]!;
    if (length < 1) throw invalidSegmentInput(`column ${name}: row ${row} has no values (store null or [] as [null])`);
    if (length > 1) multiValue = true;
  }
  return multiValue;
}

/** The ids in the narrowest width for the dictionary, so readers can rely on the width. */
function canonicalIds(name: string, ids: DictionaryIds, dictionarySize: number): DictionaryIds {
  if (idWidthFor(dictionarySize) === ids.BYTES_PER_ELEMENT) return ids;
  const converted = allocateIds(dictionarySize, ids.length);
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    if (id >= dictionarySize) throw invalidSegmentInput(`column ${name}: ids[${index}] = ${id} is outside the dictionary of ${dictionarySize}`);
    converted[index] = id;
  }
  return converted;
}

function nullRowsExist(dictionary: readonly (string | null)[], grouped: GroupedRows): boolean {
  return dictionary.length > 0 && dictionary[0] === null && grouped.starts[1]! > grouped.starts[0]!;
}

function dictionaryStats(dictionary: readonly (string | null)[]): { cardinality: number; minValue: string | null; maxValue: string | null } {
  const first = dictionary[0] === null ? 1 : 0;
  const hasValues = dictionary.length > first;
  return {
    cardinality: dictionary.length,
    minValue: hasValues ? (dictionary[first] as string) : null,
    maxValue: hasValues ? (dictionary[dictionary.length - 1] as string) : null,
  };
}
