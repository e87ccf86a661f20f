// Chooses the encoder for a column of the in-memory model.
import type { ColumnData } from './columns.js';
import { encodeComplexColumn } from './complex-column-encoder.js';
import type { EncodedColumn } from './encoded-column.js';
import { encodeNumericColumn } from './numeric-column-encoder.js';
import type { ScratchMemory } from './scratch-memory.js';
import { invalidSegmentInput } from './segment-format-error.js';
import { encodeMultiValueStringColumn, encodeStringColumn } from './string-column-encoder.js';

/** `scratch`: buffers for the encoders' temporaries (see scratch-memory.ts); nothing returned lives in them. */
export function encodeColumn(name: string, column: ColumnData, rowCount: number, scratch?: ScratchMemory): EncodedColumn {
  switch (column.kind) {
    case 'string':
      return column.multiValue ? encodeMultiValueStringColumn(name, column, rowCount) : encodeStringColumn(name, column, rowCount, scratch);
    case 'long':
    case 'float':
    case 'double':
      return encodeNumericColumn(name, column, rowCount, scratch);
    case 'hyperUnique':
      return encodeComplexColumn(name, column, rowCount);
    default:
      throw invalidSegmentInput(`column ${name}: unknown kind ${JSON.stringify((column as { kind: unknown }).kind)}`);
  }
}
