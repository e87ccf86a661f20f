// Decodes a hyperUnique column: one view per row into a single shared byte buffer (no copies).
import type { ComplexColumn } from './columns.js';
import { decompressBlocks } from './block-compression.js';
import type { SectionSource } from './section-source.js';
import { corruptSegment } from './segment-format-error.js';

export function decodeComplexColumn(source: SectionSource, rowCount: number): ComplexColumn {
  const offsetsLabel = source.label('offsets');
  const rawOffsets = decompressBlocks(source.read('offsets'), offsetsLabel);
  if (rawOffsets.length !== (rowCount + 1) * 4) throw corruptSegment(`${offsetsLabel}: holds ${rawOffsets.length / 4} offsets, expected ${rowCount + 1}`);
  const offsets = new Uint32Array(rawOffsets.buffer, 0, rowCount + 1);
  const bytes = decompressBlocks(source.read('bytes'), source.label('bytes'));
  if (offsets[0] !== 0 || offsets[rowCount] !== bytes.length) throw corruptSegment(`${offsetsLabel}: offsets do not span the ${bytes.length} value bytes`);
  const values: Uint8Array[] = new Array<Uint8Array>(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const start = offsets[row]!;
    const end = offsets[row + 1]!;
    if (end < start) throw corruptSegment(`${offsetsLabel}: offsets decrease at row ${row}`);
    values[row] = bytes.subarray(start, end);
  }
  return { kind: 'hyperUnique', values };
}
