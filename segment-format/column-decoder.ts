// Chooses the decoder for a column from its metadata descriptor.
import type { Column } from './columns.js';
import { decodeComplexColumn } from './complex-column-decoder.js';
import { decodeNumericColumn } from './numeric-column-decoder.js';
import type { ColumnDescriptor } from './segment-file-metadata.js';
import type { SectionSource } from './section-source.js';
import { decodeMultiValueStringColumn, decodeStringColumn } from './string-column-decoder.js';

export function decodeColumn(descriptor: ColumnDescriptor, source: SectionSource, rowCount: number): Column {
  switch (descriptor.encoding) {
    case 'string':
      return decodeStringColumn(source, descriptor.idWidthBytes!, rowCount);
    case 'multiValueString':
      return decodeMultiValueStringColumn(source, descriptor.idWidthBytes!, rowCount);
    case 'long':
    case 'float':
    case 'double':
      return decodeNumericColumn(source, descriptor.encoding, rowCount);
    case 'hyperUnique':
      return decodeComplexColumn(source, rowCount);
  }
}
