// Reads one row's value of a column as scan returns it: __time as a long, multi-value rows with
// several values as arrays, nulls as null, hyperUnique sketches as base64.
import type { QueryableSegment } from '../../queryable-segment.js';

export type ColumnValueReader = (row: number) => unknown;

export function columnValueReader(segment: QueryableSegment, name: string): ColumnValueReader {
  if (name === '__time') {
    const time = segment.time();
    return (row) => time[row];
  }
  const column = segment.column(name);
  if (column === undefined) return () => null;
  switch (column.kind) {
    case 'string': {
      const { dictionary, ids } = column;
      if (!column.multiValue) return (row) => dictionary[ids[row]!] ?? null;
      const { offsets } = column;
      return (row) => {
        const start = offsets[row]!;
        const end = offsets[row + 1]!;
        if (end - start === 1) return dictionary[ids[start]!] ?? null;
        const values: (string | null)[] = [];
        for (let index = start; index < end; index++) values.push(dictionary[ids[index]!] ?? null);
        return values;
      };
    }
    case 'hyperUnique': {
      const { values } = column;
      return (row) => Buffer.from(values[row]!.buffer, values[row]!.byteOffset, values[row]!.byteLength).toString('base64');
    }
    default: {
      const { values, nulls } = column;
      if (nulls === null) return (row) => values[row];
      return (row) => (nulls.has(row) ? null : values[row]);
    }
  }
}
