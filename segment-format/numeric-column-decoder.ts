// Decodes LONG, FLOAT and DOUBLE columns into SharedArrayBuffer-backed typed arrays.
import type { NumericColumn } from './columns.js';
import { decompressBlocks } from './block-compression.js';
import { deserialize } from './bitmap-section.js';
import { decodeInt64InPlace } from './int64-codec.js';
import type { SectionSource } from './section-source.js';
import { corruptSegment } from './segment-format-error.js';

export function decodeNumericColumn(source: SectionSource, kind: 'long' | 'float' | 'double', rowCount: number): NumericColumn {
  const label = source.label('values');
  const raw = decompressBlocks(source.read('values'), label);
  const width = kind === 'float' ? 4 : 8;
  if (raw.length !== rowCount * width) throw corruptSegment(`${label}: holds ${raw.length} bytes, expected ${rowCount * width}`);
  const values =
    kind === 'long'
      ? decodeInt64InPlace(raw.buffer, 0, rowCount)
      : kind === 'float'
        ? new Float32Array(raw.buffer, 0, rowCount)
        : new Float64Array(raw.buffer, 0, rowCount);
  if (!source.has('nulls')) return { kind, values, nulls: null };
  const nulls = deserialize(source.read('nulls'), source.label('nulls'));
  if (!nulls.isEmpty && nulls.maximum() >= rowCount) throw corruptSegment(`${source.label('nulls')}: null row ${nulls.maximum()} is past the last row`);
  return { kind, values, nulls };
}
