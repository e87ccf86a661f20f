// timeBoundary: without a filter, binary search gives the first and last row of each interval; with
// one, the selected bitmap's minimum and maximum rows (time is sorted, so they hold the extremes).
import type { SegmentSlice } from '../../segment-slice.js';
import { formatTimestamp } from '../../time-format.js';
import { checkDeadline } from '../deadline.js';
import { rowRangeOf, selectedBitmap } from '../selected-rows.js';
import type { TimeBoundaryQuery } from './time-boundary-query.js';

export interface TimeBoundaryPartial {
  readonly queryType: 'timeBoundary';
  /** Null when no row was selected. */
  readonly minTimeMs: number | null;
  readonly maxTimeMs: number | null;
}

const none: TimeBoundaryPartial = { queryType: 'timeBoundary', minTimeMs: null, maxTimeMs: null };

export function runTimeBoundarySegment(query: TimeBoundaryQuery, slice: SegmentSlice, deadlineMs: number): TimeBoundaryPartial {
  checkDeadline(deadlineMs);
  const time = slice.segment.time();
  let firstRow = Number.POSITIVE_INFINITY;
  let lastRow = Number.NEGATIVE_INFINITY;
  if (query.filter === null) {
    for (const interval of slice.intervals) {
      const range = rowRangeOf(time, interval);
      if (range.startRow >= range.endRow) continue;
      firstRow = Math.min(firstRow, range.startRow);
      lastRow = Math.max(lastRow, range.endRow - 1);
    }
  } else {
    const selected = selectedBitmap(slice, query.filter);
    if (!selected.isEmpty) {
      firstRow = selected.minimum();
      lastRow = selected.maximum();
    }
  }
  if (firstRow > lastRow) return none;
  return { queryType: 'timeBoundary', minTimeMs: time[firstRow]!, maxTimeMs: time[lastRow]! };
}

export function mergeTimeBoundaryPartials(left: TimeBoundaryPartial, right: TimeBoundaryPartial): TimeBoundaryPartial {
  if (left.minTimeMs === null || left.maxTimeMs === null) return right;
  if (right.minTimeMs === null || right.maxTimeMs === null) return left;
  return {
    queryType: 'timeBoundary',
    minTimeMs: Math.min(left.minTimeMs, right.minTimeMs),
    maxTimeMs: Math.max(left.maxTimeMs, right.maxTimeMs),
  };
}

export function finalizeTimeBoundary(query: TimeBoundaryQuery, merged: TimeBoundaryPartial | null): unknown[] {
  if (merged === null || merged.minTimeMs === null || merged.maxTimeMs === null) return [];
  const result: Record<string, string> = {};
  if (query.bound !== 'maxTime') result['minTime'] = formatTimestamp(merged.minTimeMs);
  if (query.bound !== 'minTime') result['maxTime'] = formatTimestamp(merged.maxTimeMs);
  const timestampMs = query.bound === 'maxTime' ? merged.maxTimeMs : merged.minTimeMs;
  return [{ timestamp: formatTimestamp(timestampMs), result }];
}
