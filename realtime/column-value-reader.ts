// Per-row values of a decoded segment column, as ingestion's row model holds them: strings (or a
// list for a multi-value row), numbers, serialized sketch bytes, or null. The spill merge and
// compaction both read segments back row by row through it.
import type { ColumnData } from '../segment-format/columns.js';
import type { DimensionValue } from './dimension-values.js';

export type ColumnValue = DimensionValue | Uint8Array;
export type ColumnValueReader = (row: number) => ColumnValue;

/** A reader of the column's values; a missing column reads as null everywhere. */
export function columnValueReader(column: ColumnData | undefined): ColumnValueReader {
  if (column === undefined) return () => null;
  switch (column.kind) {
    case 'string': {
      const { dictionary, ids } = column;
      if (!column.multiValue) return (row) => dictionary[ids[row]!]!;
      const offsets = column.offsets;
      return (row) => {
        const start = offsets[row]!;
        const end = offsets[row + 1]!;
        if (end - start === 0) return null;
        if (end - start === 1) return dictionary[ids[start]!]!;
        const values: (string | null)[] = [];
        for (let index = start; index < end; index++) values.push(dictionary[ids[index]!]!);
        return values;
      };
    }
    case 'hyperUnique': {
      // Serialized bytes pass through untouched unless a merge needs the sketch.
      const values = column.values;
      return (row) => values[row]!;
    }
    default: {
      const values = column.values;
      const nulls = new Uint8Array(values.length);
      if (column.nulls !== null) for (const row of column.nulls.toUint32Array()) nulls[row] = 1;
      return (row) => (nulls[row] === 1 ? null : values[row]!);
    }
  }
}
