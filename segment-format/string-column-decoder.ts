// Decodes string columns. Dictionary, ids and offsets are read on decode; the bitmaps section is
// read (and CRC-checked) on the first bitmap(id) call, and each bitmap deserialized on its first use.
import { allocateIds, idWidthFor, type BitmapIndex, type DictionaryIds, type MultiValueStringColumn, type StringColumn } from './columns.js';
import { groupRowsById } from './bitmap-index-builder.js';
import { BitmapRunsSection, DerivedBitmapIndex } from './bitmap-section.js';
import { decompressBlocks } from './block-compression.js';
import { unpackUnsignedInto } from './packed-integers.js';
import { decodeDictionary } from './dictionary-codec.js';
import type { SectionSource } from './section-source.js';
import { corruptSegment } from './segment-format-error.js';
import type { GroupedRows } from './bitmap-index-builder.js';

export function decodeStringColumn(source: SectionSource, idWidthBytes: 1 | 2 | 4, rowCount: number): StringColumn {
  const dictionary = decodeDictionary(decompressBlocks(source.read('dictionary'), source.label('dictionary')), source.label('dictionary'));
  const ids = decodeIds(source, idWidthBytes, rowCount, dictionary.length);
  const data = { kind: 'string', multiValue: false, dictionary, ids } as const;
  const bitmaps = lazyBitmaps(source, dictionary.length, rowCount, () => groupRowsById(data, source.columnName));
  return { ...data, bitmap: (id) => bitmaps().bitmap(id) };
}

export function decodeMultiValueStringColumn(source: SectionSource, idWidthBytes: 1 | 2 | 4, rowCount: number): MultiValueStringColumn {
  const dictionary = decodeDictionary(decompressBlocks(source.read('dictionary'), source.label('dictionary')), source.label('dictionary'));
  const offsets = decodeOffsets(source, rowCount);
  const ids = decodeIds(source, idWidthBytes, offsets[rowCount]!, dictionary.length);
  const data = { kind: 'string', multiValue: true, dictionary, offsets, ids } as const;
  const bitmaps = lazyBitmaps(source, dictionary.length, rowCount, () => groupRowsById(data, source.columnName));
  return { ...data, bitmap: (id) => bitmaps().bitmap(id) };
}

/** The stored index when the column has one, else one derived from the ids; built on first use. */
function lazyBitmaps(source: SectionSource, dictionarySize: number, rowCount: number, group: () => GroupedRows): () => BitmapIndex {
  let index: BitmapIndex | null = null;
  const build = (): BitmapIndex => {
    if (!source.has('bitmaps')) return new DerivedBitmapIndex(group, dictionarySize);
    const label = source.label('bitmaps');
    return new BitmapRunsSection(decompressBlocks(source.read('bitmaps'), label), label, dictionarySize, rowCount);
  };
  return () => (index ??= build());
}

function decodeIds(source: SectionSource, idWidthBytes: 1 | 2 | 4, count: number, dictionarySize: number): DictionaryIds {
  const label = source.label('ids');
  const raw = decompressBlocks(source.read('ids'), label);
  if (idWidthFor(dictionarySize) !== idWidthBytes) throw corruptSegment(`${label}: id width ${idWidthBytes} does not fit a dictionary of ${dictionarySize}`);
  // Wider packed values would be truncated by the id array before the range check below could see them.
  if (raw.length >= 4 && new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, true) > 8 * idWidthBytes) {
    throw corruptSegment(`${label}: packed wider than the ${idWidthBytes}-byte ids of its dictionary`);
  }
  const ids = sharedIds(idWidthBytes, count);
  unpackUnsignedInto(raw, 0, count, ids, label);
  // Queries index dense arrays by id, so an out-of-range id must never get past the reader.
  for (let index = 0; index < count; index++) {
    if (ids[index]! >= dictionarySize) throw corruptSegment(`${label}: id ${ids[index]} at ${index} is outside the dictionary of ${dictionarySize}`);
  }
  return ids;
}

function sharedIds(idWidthBytes: 1 | 2 | 4, count: number): DictionaryIds {
  const buffer = new SharedArrayBuffer(idWidthBytes * count);
  return idWidthBytes === 1 ? new Uint8Array(buffer) : idWidthBytes === 2 ? new Uint16Array(buffer) : new Uint32Array(buffer);
}

function decodeOffsets(source: SectionSource, rowCount: number): Uint32Array {
  const label = source.label('offsets');
  const raw = decompressBlocks(source.read('offsets'), label);
  if (raw.length !== (rowCount + 1) * 4) throw corruptSegment(`${label}: holds ${raw.length / 4} offsets, expected ${rowCount + 1}`);
  const offsets = new Uint32Array(raw.buffer, 0, rowCount + 1);
  if (offsets[0] !== 0) throw corruptSegment(`${label}: offsets[0] is not 0`);
  for (let row = 0; row < rowCount; row++) {
    if (offsets[row + 1]! < offsets[row]!) throw corruptSegment(`${label}: offsets decrease at row ${row}`);
  }
  return offsets;
}
