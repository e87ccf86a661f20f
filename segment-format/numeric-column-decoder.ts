// Decodes LONG, FLOAT and DOUBLE columns into SharedArrayBuffer-backed typed arrays.
import type { NumericColumn } from './columns.js';
import { decompressBlocks } from './block-compression.js';
import { deserialize } from './bitmap-section.js';
import { decodeDecimal } from './decimal-codec.js';
import { decodeIntegerSequence } from './integer-sequence-codec.js';
import type { SectionSource } from './section-source.js';
import { corruptSegment } from './segment-format-error.js';

export function decodeNumericColumn(source: SectionSource, kind: 'long' | 'float' | 'double', rowCount: number): NumericColumn {
  const label = source.label('values');
  const raw = decompressBlocks(source.read('values'), label);
  const values = kind === 'long' ? decodeIntegerSequence(raw, 0, rowCount, label) : decodeDecimal(raw, rowCount, kind, label);
  if (!source.has('nulls')) return { kind, values, nulls: null };
  const nulls = deserialize(source.read('nulls'), source.label('nulls'));
  if (!nulls.isEmpty && nulls.maximum() >= rowCount) throw corruptSegment(`${source.label('nulls')}: null row ${nulls.maximum()} is past the last row`);
  return { kind, values, nulls };
}
