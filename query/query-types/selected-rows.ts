// Which rows of a segment a query reads: the slice's intervals become row ranges by binary search on
// the sorted __time column, intersected with the filter's TRUE rows.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import type { Filter } from '../filters/filter.js';
import type { SegmentSlice } from '../segment-slice.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

/** First index in [from, to) whose time is >= value (to if none). */
export function lowerBound(time: Float64Array, value: number, from = 0, to = time.length): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (time[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface RowRange {
  /** First row inside the interval. */
  readonly startRow: number;
  /** One past the last row inside the interval. */
  readonly endRow: number;
}

export function rowRangeOf(time: Float64Array, interval: TimeInterval): RowRange {
  const startRow = lowerBound(time, interval.startMs);
  return { startRow, endRow: lowerBound(time, interval.endMs, startRow) };
}

/**
 * The slice intervals clipped to the segment's data interval [first row time, last row time + 1),
 * dropping empty ones. Druid reports and zero-fills buckets only inside this range.
 */
export function clippedIntervals(slice: SegmentSlice): TimeInterval[] {
  const time = slice.segment.time();
  if (time.length === 0) return [];
  const dataStartMs = time[0]!;
  const dataEndMs = time[time.length - 1]! + 1;
  const clipped: TimeInterval[] = [];
  for (const interval of slice.intervals) {
    const startMs = Math.max(interval.startMs, dataStartMs);
    const endMs = Math.min(interval.endMs, dataEndMs);
    if (startMs < endMs) clipped.push({ startMs, endMs });
  }
  return clipped;
}

/** Bitmap of the rows inside the slice intervals for which the filter is TRUE. */
export function selectedBitmap(slice: SegmentSlice, filter: Filter | null): RoaringBitmap32 {
  const time = slice.segment.time();
  const ranges = new Bitmap();
  for (const interval of slice.intervals) {
    const range = rowRangeOf(time, interval);
    if (range.startRow < range.endRow) ranges.addRange(range.startRow, range.endRow);
  }
  if (filter === null || ranges.isEmpty) return ranges;
  // The filter need only be right inside the ranges, so row scans (numeric columns) stay inside them.
  const matches = filter.evaluate(slice.segment, ranges).matches;
  matches.andInPlace(ranges);
  return matches;
}

/** The selected rows, ascending. Without a filter the ranges are written directly, no bitmap. */
export function selectRows(slice: SegmentSlice, filter: Filter | null): Uint32Array {
  if (filter !== null) return selectedBitmap(slice, filter).toUint32Array();
  const time = slice.segment.time();
  const ranges = slice.intervals.map((interval) => rowRangeOf(time, interval));
  let total = 0;
  for (const range of ranges) total += Math.max(0, range.endRow - range.startRow);
  const rows = new Uint32Array(total);
  let cursor = 0;
  for (const range of ranges) for (let row = range.startRow; row < range.endRow; row++) rows[cursor++] = row;
  return rows;
}
