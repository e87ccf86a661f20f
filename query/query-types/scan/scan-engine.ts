// scan: per segment, the selected rows (at most offset+limit of them, taken from the right end for
// the time order); merge concatenates or merges by time; finalize applies offset/limit and batches.
import type { SegmentSlice } from '../../segment-slice.js';
import { checkDeadline, ROWS_PER_DEADLINE_CHECK } from '../deadline.js';
import { selectRows } from '../selected-rows.js';
import { columnValueReader } from './column-value-reader.js';
import type { ScanQuery } from './scan-query.js';

export interface ScanRow {
  readonly segmentId: string;
  /** Column names of the row's batch (the segment's columns when the query lists none). */
  readonly columns: readonly string[];
  readonly timeMs: number;
  readonly values: readonly unknown[];
}

export interface ScanPartial {
  readonly queryType: 'scan';
  /** In result order. */
  readonly rows: ScanRow[];
}

function rowsNeeded(query: ScanQuery): number {
  return query.limit === null ? Number.POSITIVE_INFINITY : query.offset + query.limit;
}

export function runScanSegment(query: ScanQuery, slice: SegmentSlice, deadlineMs: number): ScanPartial {
  checkDeadline(deadlineMs);
  const { segment } = slice;
  const selected = selectRows(slice, query.filter);
  const count = Math.min(selected.length, rowsNeeded(query));
  const chosen = query.order === 'descending' ? selected.subarray(selected.length - count).reverse() : selected.subarray(0, count);
  const columns = query.columns.length > 0 ? query.columns : ['__time', ...segment.columnNames()];
  const readers = columns.map((name) => columnValueReader(segment, name));
  const time = segment.time();
  const rows: ScanRow[] = new Array<ScanRow>(chosen.length);
  for (let index = 0; index < chosen.length; index++) {
    const row = chosen[index]!;
    rows[index] = { segmentId: segment.id, columns, timeMs: time[row]!, values: readers.map((read) => read(row)) };
    if ((index + 1) % ROWS_PER_DEADLINE_CHECK === 0) checkDeadline(deadlineMs);
  }
  return { queryType: 'scan', rows };
}

export function mergeScanPartials(query: ScanQuery, left: ScanPartial, right: ScanPartial): ScanPartial {
  const needed = rowsNeeded(query);
  if (query.order === 'none') {
    const room = Math.max(0, needed - left.rows.length);
    for (let index = 0; index < Math.min(room, right.rows.length); index++) left.rows.push(right.rows[index]!);
    return left;
  }
  const sign = query.order === 'ascending' ? 1 : -1;
  const merged: ScanRow[] = [];
  let leftIndex = 0;
  let rightIndex = 0;
  while (merged.length < needed && (leftIndex < left.rows.length || rightIndex < right.rows.length)) {
    const takeLeft =
      rightIndex >= right.rows.length ||
      (leftIndex < left.rows.length && sign * (left.rows[leftIndex]!.timeMs - right.rows[rightIndex]!.timeMs) <= 0);
    merged.push(takeLeft ? left.rows[leftIndex++]! : right.rows[rightIndex++]!);
  }
  return { queryType: 'scan', rows: merged };
}

export function finalizeScan(query: ScanQuery, merged: ScanPartial | null): unknown[] {
  if (merged === null) return [];
  const rows = merged.rows.slice(query.offset, query.limit === null ? undefined : query.offset + query.limit);
  const batches: { segmentId: string; columns: string[]; events: unknown[] }[] = [];
  let current: (typeof batches)[number] | null = null;
  let currentColumns: readonly string[] | null = null;
  for (const row of rows) {
    if (current === null || current.events.length >= query.batchSize || current.segmentId !== row.segmentId || currentColumns !== row.columns) {
      current = { segmentId: row.segmentId, columns: [...row.columns], events: [] };
      currentColumns = row.columns;
      batches.push(current);
    }
    current.events.push(query.resultFormat === 'list' ? eventObject(row) : [...row.values]);
  }
  return batches;
}

function eventObject(row: ScanRow): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  row.columns.forEach((name, index) => (event[name] = row.values[index]));
  return event;
}
