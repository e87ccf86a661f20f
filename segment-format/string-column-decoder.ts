// Decodes string columns. Dictionary, ids and offsets are read on decode; the bitmaps section is
// read (and CRC-checked) on the first bitmap(id) call, and each bitmap deserialized on its first use.
import type { DictionaryIds, MultiValueStringColumn, StringColumn } from './columns.js';
import { BitmapSection } from './bitmap-section.js';
import { decompressBlocks } from './block-compression.js';
import { decodeDictionary } from './dictionary-codec.js';
import type { SectionSource } from './section-source.js';
import { corruptSegment } from './segment-format-error.js';

export function decodeStringColumn(source: SectionSource, idWidthBytes: 1 | 2 | 4, rowCount: number): StringColumn {
  const dictionary = decodeDictionary(decompressBlocks(source.read('dictionary'), source.label('dictionary')), source.label('dictionary'));
  const ids = decodeIds(source, idWidthBytes, rowCount, dictionary.length);
  const bitmaps = lazyBitmaps(source, dictionary.length);
  return { kind: 'string', multiValue: false, dictionary, ids, bitmap: (id) => bitmaps().bitmap(id) };
}

export function decodeMultiValueStringColumn(source: SectionSource, idWidthBytes: 1 | 2 | 4, rowCount: number): MultiValueStringColumn {
  const dictionary = decodeDictionary(decompressBlocks(source.read('dictionary'), source.label('dictionary')), source.label('dictionary'));
  const offsets = decodeOffsets(source, rowCount);
  const ids = decodeIds(source, idWidthBytes, offsets[rowCount]!, dictionary.length);
  const bitmaps = lazyBitmaps(source, dictionary.length);
  return { kind: 'string', multiValue: true, dictionary, offsets, ids, bitmap: (id) => bitmaps().bitmap(id) };
}

function lazyBitmaps(source: SectionSource, dictionarySize: number): () => BitmapSection {
  let section: BitmapSection | null = null;
  return () => (section ??= new BitmapSection(source.read('bitmaps'), source.label('bitmaps'), dictionarySize));
}

function decodeIds(source: SectionSource, idWidthBytes: 1 | 2 | 4, count: number, dictionarySize: number): DictionaryIds {
  const label = source.label('ids');
  const raw = decompressBlocks(source.read('ids'), label);
  if (raw.length !== count * idWidthBytes) throw corruptSegment(`${label}: holds ${raw.length} bytes, expected ${count * idWidthBytes}`);
  const ids = idWidthBytes === 1 ? raw : idWidthBytes === 2 ? new Uint16Array(raw.buffer, 0, count) : new Uint32Array(raw.buffer, 0, count);
  // Queries index dense arrays by id, so an out-of-range id must never get past the reader.
  for (let index = 0; index < count; index++) {
    if (ids[index]! >= dictionarySize) throw corruptSegment(`${label}: id ${ids[index]} at ${index} is outside the dictionary of ${dictionarySize}`);
  }
  return ids;
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
