// search: answered from dictionaries and bitmaps. Each dictionary value is matched once; its count
// per bucket is |value bitmap ∩ selected rows ∩ bucket row range|.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import { bucketBoundaries } from '../../granularities/parse-granularity.js';
import { compareStrings } from '../../limit/string-comparators.js';
import type { QueryableSegment } from '../../queryable-segment.js';
import type { SegmentSlice } from '../../segment-slice.js';
import { checkDeadline } from '../deadline.js';
import { clippedIntervals, rowRangeOf, selectedBitmap, type RowRange } from '../selected-rows.js';
import { formatBucketTimestamp } from '../timestamps.js';
import { searchMatcher } from './search-matcher.js';
import type { SearchQuery } from './search-query.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

export interface SearchHit {
  readonly dimension: string;
  readonly value: string;
  count: number;
}

export interface SearchPartial {
  readonly queryType: 'search';
  /** Bucket start (for `all`: the earliest data timestamp) → hits keyed by dimension and value. */
  readonly buckets: Map<number, Map<string, SearchHit>>;
}

interface BucketRange extends RowRange {
  readonly startMs: number;
}

export function runSearchSegment(query: SearchQuery, slice: SegmentSlice, deadlineMs: number): SearchPartial {
  checkDeadline(deadlineMs);
  const buckets = new Map<number, Map<string, SearchHit>>();
  const clipped = clippedIntervals(slice);
  if (clipped.length === 0) return { queryType: 'search', buckets };
  const { segment } = slice;
  const selected = selectedBitmap(slice, query.filter);
  const ranges = bucketRanges(query, segment, clipped);
  if (query.granularity.isAll) buckets.set(clipped[0]!.startMs, new Map());
  const matches = searchMatcher(query.query);
  for (const dimension of searchedDimensions(query, segment)) {
    const column = segment.column(dimension);
    if (column === undefined || column.kind !== 'string') continue;
    column.dictionary.forEach((value, id) => {
      if (value === null || !matches(value)) return;
      addCounts(buckets, ranges, query.granularity.isAll, dimension, value, Bitmap.and(selected, column.bitmap(id)));
    });
    checkDeadline(deadlineMs);
  }
  return { queryType: 'search', buckets };
}

function searchedDimensions(query: SearchQuery, segment: QueryableSegment): readonly string[] {
  if (query.searchDimensions !== null) return query.searchDimensions;
  return segment.columnNames().filter((name) => segment.columnType(name) === 'STRING');
}

/** Row ranges of the buckets inside the clipped intervals (one range with start -Infinity for `all`). */
function bucketRanges(query: SearchQuery, segment: QueryableSegment, clipped: readonly { startMs: number; endMs: number }[]): BucketRange[] {
  const time = segment.time();
  if (query.granularity.isAll) return [{ startMs: clipped[0]!.startMs, startRow: 0, endRow: segment.rowCount }];
  const ranges: BucketRange[] = [];
  for (const interval of clipped) {
    for (const startMs of bucketBoundaries(query.granularity, interval)) {
      const bucketInterval = { startMs: Math.max(startMs, interval.startMs), endMs: Math.min(query.granularity.next(startMs), interval.endMs) };
      const range = rowRangeOf(time, bucketInterval);
      if (range.startRow < range.endRow) ranges.push({ startMs, ...range });
    }
  }
  return ranges;
}

function addCounts(
  buckets: Map<number, Map<string, SearchHit>>,
  ranges: readonly BucketRange[],
  isAll: boolean,
  dimension: string,
  value: string,
  rows: RoaringBitmap32,
): void {
  if (rows.isEmpty) return;
  for (const range of ranges) {
    const count = isAll ? rows.size : rows.rangeCardinality(range.startRow, range.endRow);
    if (count === 0) continue;
    let hits = buckets.get(range.startMs);
    if (hits === undefined) buckets.set(range.startMs, (hits = new Map()));
    const key = `${dimension}\u0000${value}`;
    const hit = hits.get(key);
    if (hit === undefined) hits.set(key, { dimension, value, count });
    else hit.count += count;
  }
}

export function mergeSearchPartials(query: SearchQuery, left: SearchPartial, right: SearchPartial): SearchPartial {
  for (const [startMs, hits] of right.buckets) {
    const existing = left.buckets.get(startMs);
    if (existing === undefined) left.buckets.set(startMs, hits);
    else mergeHits(existing, hits);
  }
  if (query.granularity.isAll && left.buckets.size > 1) {
    const earliestMs = Math.min(...left.buckets.keys());
    const all = new Map<string, SearchHit>();
    for (const hits of left.buckets.values()) mergeHits(all, hits);
    left.buckets.clear();
    left.buckets.set(earliestMs, all);
  }
  return left;
}

function mergeHits(into: Map<string, SearchHit>, from: ReadonlyMap<string, SearchHit>): void {
  for (const [key, hit] of from) {
    const existing = into.get(key);
    if (existing === undefined) into.set(key, { ...hit });
    else existing.count += hit.count;
  }
}

export function finalizeSearch(query: SearchQuery, merged: SearchPartial | null): unknown[] {
  if (merged === null) return [];
  const compare = (left: SearchHit, right: SearchHit): number =>
    compareStrings(query.sort, left.value, right.value) || compareStrings('lexicographic', left.dimension, right.dimension);
  return [...merged.buckets]
    .sort((left, right) => left[0] - right[0])
    .map(([startMs, hits]) => ({
      timestamp: formatBucketTimestamp(query.granularity, startMs),
      result: [...hits.values()]
        .sort(compare)
        .slice(0, query.limit)
        .map((hit) => ({ dimension: hit.dimension, value: hit.value, count: hit.count })),
    }));
}
