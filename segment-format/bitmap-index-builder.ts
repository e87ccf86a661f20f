// The rows of a string column's inverted index: for each dictionary id, the ascending rows holding
// that value. A counting sort groups them without per-row allocation; the bitmaps section serializes
// each group directly. Also the writer's range check of the ids.
import type { DictionaryIds, MultiValueStringColumnData, StringColumnData } from './columns.js';
import { invalidSegmentInput } from './segment-format-error.js';

/**
 * Rows per dictionary id; throws invalid_segment_input if an id is outside the dictionary.
 * `rowsBuffer`: where a single-value column's rows go (as many as ids; scratch memory, say).
 */
export function groupRowsById(column: StringColumnData | MultiValueStringColumnData, columnName: string, rowsBuffer?: Uint32Array): GroupedRows {
  const size = column.dictionary.length;
  return column.multiValue ? groupMultiValueRows(column.offsets, column.ids, size, columnName) : groupRows(column.ids, size, columnName, rowsBuffer);
}

export interface GroupedRows {
  /** Rows of id i are rows[starts[i] .. starts[i+1]), ascending. */
  readonly starts: Uint32Array;
  readonly rows: Uint32Array;
}

function groupRows(ids: DictionaryIds, size: number, columnName: string, rowsBuffer?: Uint32Array): GroupedRows {
  const starts = new Uint32Array(size + 1);
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row]!;
    if (id >= size) throw invalidSegmentInput(`column ${columnName}: row ${row} has id ${id}, outside the dictionary of ${size}`);
    starts[id + 1]++;
  }
  for (let id = 0; id < size; id++) starts[id + 1] += starts[id]!;
  const cursors = starts.slice(0, size);
  const rows = rowsBuffer ?? new Uint32Array(ids.length);
  for (let row = 0; row < ids.length; row++) rows[cursors[ids[row]!]!++] = row;
  return { starts, rows };
}

// A row may list the same value twice; it appears once in that value's bitmap.
function groupMultiValueRows(offsets: Uint32Array, ids: DictionaryIds, size: number, columnName: string): GroupedRows {
  const rowCount = offsets.length - 1;
  const starts = new Uint32Array(size + 1);
  const lastRow = new Int32Array(size).fill(-1);
  for (let row = 0; row < rowCount; row++) {
    for (let index = offsets[row]!; index < offsets[row + 1]!; index++) {
      const id = ids[index]!;
      if (id >= size) throw invalidSegmentInput(`column ${columnName}: row ${row} has id ${id}, outside the dictionary of ${size}`);
      if (lastRow[id] === row) continue;
      lastRow[id] = row;
      starts[id + 1]++;
    }
  }
  for (let id = 0; id < size; id++) starts[id + 1] += starts[id]!;
  const cursors = starts.slice(0, size);
  const rows = new Uint32Array(starts[size]!);
  lastRow.fill(-1);
  for (let row = 0; row < rowCount; row++) {
    for (let index = offsets[row]!; index < offsets[row + 1]!; index++) {
      const id = ids[index]!;
      if (lastRow[id] === row) continue;
      lastRow[id] = row;
      rows[cursors[id]!++] = row;
    }
  }
  return { starts, rows };
}
