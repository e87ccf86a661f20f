// Encodes a hyperUnique column: per-row opaque byte strings as u32 offsets (rowCount + 1) and the
// concatenated bytes, both blocked. A zero-length value counts as null in the stats.
import type { ComplexColumnData } from './columns.js';
import { compressBlocks } from './block-compression.js';
import { bytesOf, type EncodedColumn } from './encoded-column.js';
import { invalidSegmentInput } from './segment-format-error.js';

export function encodeComplexColumn(name: string, column: ComplexColumnData, rowCount: number): EncodedColumn {
  if (column.values.length !== rowCount) throw invalidSegmentInput(`column ${name}: has ${column.values.length} values for ${rowCount} rows`);
  const offsets = new Uint32Array(rowCount + 1);
  let total = 0;
  let hasNulls = false;
  for (let row = 0; row < rowCount; row++) {
    const value = column.values[row];
    if (!(value instanceof Uint8Array)) throw invalidSegmentInput(`column ${name}: row ${row} is not a Uint8Array`);
    if (value.length === 0) hasNulls = true;
    total += value.length;
    if (total > 0xffffffff) throw invalidSegmentInput(`column ${name}: more than 4 GiB of values`);
    offsets[row + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let row = 0; row < rowCount; row++) bytes.set(column.values[row]!, offsets[row]!);
  return {
    encoding: 'hyperUnique',
    idWidthBytes: null,
    sections: [
      ['offsets', compressBlocks(bytesOf(offsets))],
      ['bytes', compressBlocks(bytes)],
    ],
    stats: { type: 'COMPLEX<hyperUnique>', multiValue: false, hasNulls, cardinality: null, minValue: null, maxValue: null },
  };
}
