// The rows one segment query reads, kept as a contiguous range when there is no filter and one
// interval: range loops read columns sequentially and need no row array at all.
import type { Filter } from '../filters/filter.js';
import type { SegmentSlice } from '../segment-slice.js';
import { rowRangeOf, selectRows } from './selected-rows.js';

export type RowSelection =
  /** Rows startRow..endRow-1. */
  | { readonly kind: 'range'; readonly startRow: number; readonly endRow: number }
  /** Explicit rows, ascending. */
  | { readonly kind: 'rows'; readonly rows: Uint32Array };

export function selectRowSelection(slice: SegmentSlice, filter: Filter | null): RowSelection {
  if (filter === null && slice.intervals.length === 1) {
    const range = rowRangeOf(slice.segment.time(), slice.intervals[0]!);
    return { kind: 'range', startRow: range.startRow, endRow: Math.max(range.startRow, range.endRow) };
  }
  return { kind: 'rows', rows: selectRows(slice, filter) };
}

export function selectionLength(selection: RowSelection): number {
  return selection.kind === 'range' ? selection.endRow - selection.startRow : selection.rows.length;
}

/** The selection as an explicit row array (allocates for a range). */
export function selectionRows(selection: RowSelection): Uint32Array {
  if (selection.kind === 'rows') return selection.rows;
  const rows = new Uint32Array(selection.endRow - selection.startRow);
  for (let index = 0; index < rows.length; index++) rows[index] = selection.startRow + index;
  return rows;
}
