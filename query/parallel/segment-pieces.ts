// Splits a query's segment slices into the pieces the pool runs. Each slice of a segment file is one
// piece; for queries whose partials merge exactly across row ranges of one segment (timeseries,
// groupBy, search), a big slice is also cut into row ranges so one big segment still uses every
// worker. topN is not cut: its per-segment work is dominated by dense per-value arrays, which each
// piece pays in full (measured: topN over a 10,000-value dimension 14 ms whole, 69 ms cut in two). Rows are sorted by time, so a row range is a time range: cutting the slice's intervals at
// the time of a row needs no engine support. Scan keeps whole segments (its batches follow segments),
// and the metadata query types are cheap and count segments, so they are never cut.
import { SegmentFile } from '../../segment-format/segment-reader.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { Query } from '../query.js';
import { rowRangeOf } from '../query-types/selected-rows.js';
import type { SegmentSlice } from '../segment-slice.js';
import type { SegmentFileReference } from './worker-protocol.js';

export interface SegmentPiece {
  /** What to run; a row range of a segment is its slice with narrowed intervals. */
  readonly slice: SegmentSlice;
  /** The file a worker opens for the piece; null for segments without one (in memory), which run inline. */
  readonly file: SegmentFileReference | null;
  /** Index of the slice the piece belongs to. */
  readonly sliceIndex: number;
}

export interface PiecePlanOptions {
  /** Workers the pieces are spread over. */
  readonly workerCount: number;
  /** A slice is cut only into pieces of at least this many rows. */
  readonly minRowsPerPiece: number;
  /** topN and groupBy slices are cut only into pieces of at least this many rows per possible group (default 32). */
  readonly rowsPerGroupToCut?: number;
}

const rowSplittable: ReadonlySet<Query['queryType']> = new Set(['timeseries', 'groupBy', 'search']);

/**
 * Each piece converts and sends every group it saw, and the main thread merges them all, so cutting
 * pays only when a piece's rows far outnumber its groups (measured: a topN over 100,000 values was
 * slower cut in two; a groupBy over 1,000 groups five times faster).
 */
const DEFAULT_ROWS_PER_GROUP_TO_CUT = 32;

/** The pieces in slice order (and row order within a slice), so merging them in order matches the inline fold. */
export function planPieces(query: Query, slices: readonly SegmentSlice[], options: PiecePlanOptions): SegmentPiece[] {
  const files = slices.map((slice) => fileOf(slice));
  if (!rowSplittable.has(query.queryType)) return slices.map((slice, sliceIndex) => ({ slice, file: files[sliceIndex]!, sliceIndex }));
  const rows = slices.map((slice, index) => (files[index] === null ? 0 : rowsIn(slice)));
  const totalRows = rows.reduce((sum, count) => sum + count, 0);
  const rowsPerPiece = Math.max(options.minRowsPerPiece, Math.ceil(totalRows / options.workerCount));
  const pieces: SegmentPiece[] = [];
  slices.forEach((slice, sliceIndex) => {
    const file = files[sliceIndex]!;
    const groupsBound = groupsUpperBound(query, slice);
    const rowsPerGroup = options.rowsPerGroupToCut ?? DEFAULT_ROWS_PER_GROUP_TO_CUT;
    const piecesBound = rowsPerGroup === 0 ? Number.POSITIVE_INFINITY : Math.floor(rows[sliceIndex]! / (groupsBound * rowsPerGroup));
    const count = file === null ? 1 : Math.min(piecesBound, Math.ceil(rows[sliceIndex]! / rowsPerPiece));
    const parts = count <= 1 ? [] : cutByRows(slice, count);
    if (parts.length === 0) pieces.push({ slice, file, sliceIndex });
    else for (const part of parts) pieces.push({ slice: part, file, sliceIndex });
  });
  return pieces;
}

/** Groups a piece may hold, from the dictionary sizes of the grouped dimensions (Infinity when unknown). */
function groupsUpperBound(query: Query, slice: SegmentSlice): number {
  const dimensions = query.queryType === 'groupBy' ? query.dimensions : query.queryType === 'topN' ? [query.dimension] : [];
  const { segment } = slice;
  if (!(segment instanceof SegmentFile)) return 1;
  let groups = 1;
  for (const { dimension } of dimensions) {
    const stats = segment.columnStats(dimension);
    // A dimension the segment lacks is all null: one group.
    if (stats === undefined) continue;
    if (stats.cardinality === null) return Number.POSITIVE_INFINITY;
    groups *= stats.cardinality;
  }
  return groups;
}

function fileOf(slice: SegmentSlice): SegmentFileReference | null {
  const { segment } = slice;
  return segment instanceof SegmentFile ? { path: segment.path, id: segment.id, sizeBytes: segment.sizeBytes } : null;
}

function rowsIn(slice: SegmentSlice): number {
  const time = slice.segment.time();
  let rows = 0;
  for (const interval of slice.intervals) {
    const range = rowRangeOf(time, interval);
    rows += range.endRow - range.startRow;
  }
  return rows;
}

/**
 * About `count` slices of equal row counts. Cuts fall on time values, so rows sharing a timestamp stay
 * in one piece (pieces may come out fewer or uneven when many rows share one).
 */
export function cutByRows(slice: SegmentSlice, count: number): SegmentSlice[] {
  const time = slice.segment.time();
  const ranges = slice.intervals.map((interval) => rowRangeOf(time, interval));
  const totalRows = ranges.reduce((sum, range) => sum + range.endRow - range.startRow, 0);
  const cutTimes: number[] = [];
  for (let piece = 1; piece < count; piece++) {
    const cutMs = timeAtRank(time, ranges, Math.round((piece * totalRows) / count));
    if (cutMs !== null && (cutTimes.length === 0 || cutMs > cutTimes[cutTimes.length - 1]!)) cutTimes.push(cutMs);
  }
  const parts: SegmentSlice[] = [];
  let fromMs = Number.NEGATIVE_INFINITY;
  for (const toMs of [...cutTimes, Number.POSITIVE_INFINITY]) {
    const intervals = clip(slice.intervals, fromMs, toMs);
    if (intervals.length > 0) parts.push({ segment: slice.segment, intervals });
    fromMs = toMs;
  }
  return parts;
}

/** The time of the rank-th row (0-based) counted across the ranges; null past the end. */
function timeAtRank(time: Float64Array, ranges: readonly { startRow: number; endRow: number }[], rank: number): number | null {
  let remaining = rank;
  for (const range of ranges) {
    const length = range.endRow - range.startRow;
    if (remaining < length) return time[range.startRow + remaining]!;
    remaining -= length;
  }
  return null;
}

/** The intervals intersected with [fromMs, toMs); bounds stay those of the original intervals where not cut. */
function clip(intervals: readonly TimeInterval[], fromMs: number, toMs: number): TimeInterval[] {
  const clipped: TimeInterval[] = [];
  for (const interval of intervals) {
    const startMs = Math.max(interval.startMs, fromMs);
    const endMs = Math.min(interval.endMs, toMs);
    if (startMs < endMs) clipped.push({ startMs, endMs });
  }
  return clipped;
}
