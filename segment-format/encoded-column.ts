// What a column encoder hands the segment writer: stored section bytes plus the column's stats.
import type { ColumnEncoding } from './segment-file-metadata.js';
import type { ColumnStats } from './segment-metadata.js';

export interface EncodedColumn {
  readonly encoding: ColumnEncoding;
  /** Width of a dictionary id in bytes for string encodings; null otherwise. */
  readonly idWidthBytes: 1 | 2 | 4 | null;
  /** Sections in file order, as [name, stored bytes] (already compressed where the encoding says so). */
  readonly sections: readonly (readonly [string, Uint8Array])[];
  /** Stats except sizeBytes, which the writer fills in from the stored section lengths. */
  readonly stats: Omit<ColumnStats, 'sizeBytes'>;
}

/** The bytes of a typed array, without copying. */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
