// Splits a query's segment slices into the pieces the main thread and the pool's workers run. Each
// slice is one piece; for queries whose partials merge exactly across row ranges of one segment
// (timeseries, groupBy, search), a big slice of a segment file is also cut into row ranges so one big
// segment still uses every core (groupBy only when its rows far outnumber its groups). topN is not cut: its per-segment work is dominated by dense
// per-value arrays, which each piece pays in full (measured: topN over a 10,000-value dimension 14 ms
// whole, 69 ms cut in two). Rows are sorted by time, so a row range is a time range: cutting the
// slice's intervals at the time of a row needs no engine support. Scan keeps whole segments (its
// batches follow segments) and the metadata query types are cheap, so neither runs on workers.
//
// A slice about to be cut has its filter evaluated here, once, into a row selection that every piece
// of it reuses (selection-filter.ts); that also tells the rows the query really reads, so a filter
// that keeps few rows keeps the query on this thread.
import type { RoaringBitmap32 } from 'roaring';
import { SegmentFile } from '../../segment-format/segment-reader.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { Granularity } from '../granularity.js';
import type { GroupByQuery } from '../query-types/group-by/group-by-query.js';
import type { Query } from '../query.js';
import { rowRangeOf, selectedBitmap, type RowRange } from '../query-types/selected-rows.js';
import type { SegmentSlice } from '../segment-slice.js';
import { selectableFilterOf } from './selection-filter.js';
import type { SegmentFileReference } from './worker-protocol.js';

export interface SegmentPiece {
  /** What to run; a row range of a segment is its slice with narrowed intervals. */
  readonly slice: SegmentSlice;
  /** The file a worker opens for the piece; null for segments without one (in memory), which run on the main thread. */
  readonly file: SegmentFileReference | null;
  /** Index of the slice the piece belongs to. */
  readonly sliceIndex: number;
  /** TRUE rows of the query's filter within the whole slice, to run with instead of the filter; null to evaluate the filter. */
  readonly selection: RoaringBitmap32 | null;
}

export interface PiecePlan {
  /** In slice order (and row order within a slice), so merging them in order matches the inline fold. */
  readonly pieces: readonly SegmentPiece[];
  /** False when the query is too small to gain from threads: run every piece on the calling thread. */
  readonly parallel: boolean;
}

export interface PiecePlanOptions {
  /** Threads the pieces are spread over (the pool's workers and the calling thread). */
  readonly threadCount: number;
  /** A slice is cut only into pieces of at least this many rows, and a query reading fewer than twice this many runs on one thread. */
  readonly minRowsPerPiece: number;
  /** groupBy slices are cut only into pieces of at least this many rows per possible group (default 128; 0 cuts regardless). */
  readonly rowsPerGroupToCut?: number;
}

const parallelTypes: ReadonlySet<Query['queryType']> = new Set(['timeseries', 'groupBy', 'search', 'topN']);
const rowSplittable: ReadonlySet<Query['queryType']> = new Set(['timeseries', 'groupBy', 'search']);

/**
 * Each piece converts and sends every group it saw, and the main thread merges them all, so cutting
 * pays only when a piece's rows far outnumber its groups. Measured on the bench segments: a group
 * costs about 2.5 µs to send and merge, a row 10–15 ns to aggregate, so halving a slice pays from
 * about 250 rows per group (a topN over 100,000 values was slower cut in two; a groupBy over 1,000
 * groups of 1,000 rows each about 1.4 times faster).
 */
const DEFAULT_ROWS_PER_GROUP_TO_CUT = 128;

/** Beyond this many time buckets in a slice, groups are taken as unbounded. */
const BUCKETS_COUNTED_MAX = 100_000;

export function planPieces(query: Query, slices: readonly SegmentSlice[], options: PiecePlanOptions): PiecePlan {
  const whole = slices.map((slice, sliceIndex) => ({ slice, file: fileOf(slice), sliceIndex, selection: null }));
  if (!parallelTypes.has(query.queryType) || options.threadCount < 2 || query.subquery !== null) return { pieces: whole, parallel: false };
  const ranges = slices.map((slice) => rowRanges(slice));
  const intervalRows = ranges.map((sliceRanges) => sliceRanges.reduce((sum, range) => sum + range.endRow - range.startRow, 0));
  const filter = rowSplittable.has(query.queryType) ? selectableFilterOf(query) : null;
  const selections = slices.map((slice, index) =>
    filter !== null && whole[index]!.file !== null && intervalRows[index]! >= 2 * options.minRowsPerPiece ? selectedBitmap(slice, filter) : null,
  );
  const rows = intervalRows.map((count, index) => selections[index]?.size ?? count);
  const totalRows = rows.reduce((sum, count) => sum + count, 0);
  const rowsPerPiece = Math.max(options.minRowsPerPiece, Math.ceil(totalRows / options.threadCount));
  const pieces: SegmentPiece[] = [];
  slices.forEach((slice, sliceIndex) => {
    const { file } = whole[sliceIndex]!;
    const selection = selections[sliceIndex]!;
    const count =
      file === null || !rowSplittable.has(query.queryType)
        ? 1
        : Math.min(piecesBound(query, slice, ranges[sliceIndex]!, rows[sliceIndex]!, options), Math.ceil(rows[sliceIndex]! / rowsPerPiece));
    const parts = count <= 1 ? [slice] : cutByRows(slice, count, selection);
    for (const part of parts) pieces.push({ slice: part, file, sliceIndex, selection });
  });
  const parallel = totalRows >= 2 * options.minRowsPerPiece && pieces.length >= 2 && pieces.some((piece) => piece.file !== null);
  return { pieces, parallel };
}

/** Pieces a groupBy slice may be cut into, from the groups it may hold (others: unbounded). */
function piecesBound(query: Query, slice: SegmentSlice, ranges: readonly RowRange[], rows: number, options: PiecePlanOptions): number {
  const rowsPerGroup = options.rowsPerGroupToCut ?? DEFAULT_ROWS_PER_GROUP_TO_CUT;
  if (rowsPerGroup === 0 || query.queryType !== 'groupBy') return Number.POSITIVE_INFINITY;
  const groups = groupsUpperBound(query, slice) * bucketsIn(query.granularity, slice.segment.time(), ranges);
  return Math.floor(rows / (groups * rowsPerGroup));
}

/** Time buckets holding rows of the ranges (Infinity past BUCKETS_COUNTED_MAX or for granularity none). */
function bucketsIn(granularity: Granularity, time: Float64Array, ranges: readonly RowRange[]): number {
  if (granularity.isAll) return 1;
  if (granularity.isNone) return Number.POSITIVE_INFINITY;
  const nonEmpty = ranges.filter((range) => range.endRow > range.startRow);
  if (nonEmpty.length === 0) return 1;
  const lastMs = time[nonEmpty[nonEmpty.length - 1]!.endRow - 1]!;
  let buckets = 0;
  for (let startMs = granularity.bucketStart(time[nonEmpty[0]!.startRow]!); startMs <= lastMs; startMs = granularity.next(startMs)) {
    if (++buckets > BUCKETS_COUNTED_MAX) return Number.POSITIVE_INFINITY;
  }
  return buckets;
}

/** Groups a piece may hold, from the dictionary sizes of the grouped dimensions (Infinity when unknown). */
function groupsUpperBound(query: GroupByQuery, slice: SegmentSlice): number {
  const { segment } = slice;
  if (!(segment instanceof SegmentFile)) return 1;
  let groups = 1;
  for (const { dimension } of query.dimensions) {
    const stats = segment.columnStats(dimension);
    // A dimension the segment lacks is all null: one group.
    if (stats === undefined) continue;
    if (stats.cardinality === null) return Number.POSITIVE_INFINITY;
    groups *= stats.cardinality;
  }
  return groups;
}

const openings = new WeakMap<SegmentFile, number>();
let lastOpening = 0;

function fileOf(slice: SegmentSlice): SegmentFileReference | null {
  const { segment } = slice;
  if (!(segment instanceof SegmentFile)) return null;
  let opening = openings.get(segment);
  if (opening === undefined) openings.set(segment, (opening = ++lastOpening));
  return { path: segment.path, id: segment.id, sizeBytes: segment.sizeBytes, opening };
}

function rowRanges(slice: SegmentSlice): RowRange[] {
  const time = slice.segment.time();
  return slice.intervals.map((interval) => rowRangeOf(time, interval));
}

/**
 * About `count` slices of equal row counts: of the rows in `selection` when given (the slice's
 * selected rows), else of all rows in the slice's intervals. Cuts fall on time values, so rows sharing
 * a timestamp stay in one piece (pieces may come out fewer or uneven when many rows share one).
 */
export function cutByRows(slice: SegmentSlice, count: number, selection: RoaringBitmap32 | null = null): SegmentSlice[] {
  const time = slice.segment.time();
  const ranges = rowRanges(slice);
  const totalRows = selection?.size ?? ranges.reduce((sum, range) => sum + Math.max(0, range.endRow - range.startRow), 0);
  const cutTimes: number[] = [];
  for (let piece = 1; piece < count; piece++) {
    const rank = Math.round((piece * totalRows) / count);
    const cutMs = selection === null ? timeAtRank(time, ranges, rank) : timeOfRow(time, selection.select(rank));
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

function timeOfRow(time: Float64Array, row: number | undefined): number | null {
  return row === undefined ? null : time[row]!;
}

/** The time of the rank-th row (0-based) counted across the ranges; null past the end. */
function timeAtRank(time: Float64Array, ranges: readonly RowRange[], rank: number): number | null {
  let remaining = rank;
  for (const range of ranges) {
    const length = range.endRow - range.startRow;
    if (remaining < length) return time[range.startRow + remaining]!;
    remaining -= Math.max(0, length);
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
