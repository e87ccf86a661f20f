import { after, before, describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { cutByRows, planPieces } from '../../../query/parallel/segment-pieces.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import type { TimeInterval } from '../../../segment-format/segment-metadata.js';
import { randomSegments, randomSource } from '../query-types/random-data.js';
import { fileSlices, segmentDirectory } from './segment-files-fixture.js';

/** Rows of `time` inside the intervals, by a plain scan. */
function rowsInside(time: Float64Array, intervals: readonly TimeInterval[]): number[] {
  const rows: number[] = [];
  for (let row = 0; row < time.length; row++) {
    if (intervals.some((interval) => time[row]! >= interval.startMs && time[row]! < interval.endMs)) rows.push(row);
  }
  return rows;
}

describe('cutByRows', () => {
  it('covers every row of the slice exactly once, in time order, in balanced parts', () => {
    const random = randomSource(11);
    for (const { slice } of randomSegments(random, 6, 2_000)) {
      const hourMs = 3_600_000;
      // Two visible intervals with a hole, to cut across interval boundaries.
      const start = slice.intervals[0]!.startMs;
      const intervals = [
        { startMs: start, endMs: start + 7 * hourMs + 1_234 },
        { startMs: start + 9 * hourMs, endMs: start + 20 * hourMs },
      ];
      const whole: SegmentSlice = { segment: slice.segment, intervals };
      const time = slice.segment.time();
      const expected = rowsInside(time, intervals);
      for (const count of [2, 3, 5]) {
        const parts = cutByRows(whole, count);
        const seen = parts.map((part) => rowsInside(time, part.intervals));
        assert.deepEqual(seen.flat(), expected, `count ${count}`);
        assert.ok(parts.length <= count && parts.length >= 2, `${parts.length} parts for ${count}`);
        for (const rows of seen) {
          // Cuts fall on timestamps; at most a few rows share one, so parts stay near equal.
          assert.ok(Math.abs(rows.length - expected.length / count) <= 25, `part of ${rows.length} rows of ${expected.length} / ${count}`);
        }
        for (let index = 1; index < parts.length; index++) {
          const previous = parts[index - 1]!.intervals;
          assert.ok(previous[previous.length - 1]!.endMs <= parts[index]!.intervals[0]!.startMs);
        }
      }
    }
  });
});

describe('planPieces', () => {
  const memory = randomSegments(randomSource(3), 3, 1_000, false).map(({ slice }) => slice);
  const json = { dataSource: 'wiki', intervals: ['2024-01-29/2024-02-01'] };
  const timeseries = parseQuery({ ...json, queryType: 'timeseries', aggregations: [{ type: 'count', name: 'rows' }] });
  const scan = parseQuery({ ...json, queryType: 'scan', limit: 5 });
  const directory = segmentDirectory();
  let files: SegmentSlice[] = [];

  before(async () => {
    files = await fileSlices(memory, directory);
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('cuts file slices of row-mergeable query types into about rows / threads rows each', () => {
    // 3,000 rows over 4 threads: 750 rows a piece, so each 1,000-row slice becomes two.
    const pieces = planPieces(timeseries, files, { threadCount: 4, minRowsPerPiece: 100 }).pieces;
    assert.deepEqual(pieces.map((piece) => piece.sliceIndex), [0, 0, 1, 1, 2, 2]);
    pieces.forEach((piece) => assert.equal(piece.file?.id, files[piece.sliceIndex]!.segment.id));
    assert.equal(planPieces(timeseries, files, { threadCount: 4, minRowsPerPiece: 5_000 }).pieces.length, 3);
  });

  it('cuts groupBy slices only when rows far outnumber the possible groups, and never topN', () => {
    // page has 7 values (null included), country 4: 1,000 rows / (7 × 32) allows 4 pieces, / (28 × 32) none.
    const topN = parseQuery({ ...json, queryType: 'topN', dimension: 'page', metric: 'rows', threshold: 3, aggregations: [{ type: 'count', name: 'rows' }] });
    const byPage = parseQuery({ ...json, queryType: 'groupBy', dimensions: ['page'], granularity: 'all', aggregations: [{ type: 'count', name: 'rows' }] });
    const groupBy = parseQuery({ ...json, queryType: 'groupBy', dimensions: ['page', 'country'], granularity: 'all', aggregations: [{ type: 'count', name: 'rows' }] });
    const options = { threadCount: 8, minRowsPerPiece: 1, rowsPerGroupToCut: 32 };
    assert.deepEqual(planPieces(topN, files, options).pieces.map((piece) => piece.sliceIndex), [0, 1, 2]);
    const perSlice = [0, 0, 0];
    for (const piece of planPieces(byPage, files, options).pieces) perSlice[piece.sliceIndex]!++;
    // Asked for 3 (8 threads: 375 rows a piece); a cut that would split rows sharing a timestamp is dropped.
    assert.ok(perSlice.every((count) => count >= 2 && count <= 3), JSON.stringify(perSlice));
    // Odd segments lack country (all null, one value), so only their slices are cut.
    const grouped = [0, 0, 0];
    for (const piece of planPieces(groupBy, files, options).pieces) grouped[piece.sliceIndex]!++;
    assert.ok(grouped[0] === 1 && grouped[2] === 1 && grouped[1]! >= 2, JSON.stringify(grouped));
    // Without the bound: 3,000 rows / 8 threads = 375 rows a piece, three per slice.
    const unbounded = planPieces(groupBy, files, { ...options, rowsPerGroupToCut: 0 }).pieces.length;
    assert.ok(unbounded >= 7 && unbounded <= 9, `${unbounded} pieces`);
  });

  it('never cuts scan slices or segments without a file', () => {
    assert.deepEqual(planPieces(scan, files, { threadCount: 4, minRowsPerPiece: 1 }).pieces.map((piece) => piece.sliceIndex), [0, 1, 2]);
    const pieces = planPieces(timeseries, memory, { threadCount: 4, minRowsPerPiece: 1 }).pieces;
    assert.deepEqual(pieces.map((piece) => [piece.sliceIndex, piece.file]), [[0, null], [1, null], [2, null]]);
  });
});
