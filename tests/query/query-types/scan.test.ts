import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { DAY_MS, isoInterval, randomSegments, randomSource, slicesFor, START_MS, type Row, type TestSegment } from './random-data.js';
import { filterMatches, visibleRows, type Json } from './reference.js';

/** A scan value: lists for rows with several values, a lone value otherwise, null for nothing. */
function scanValue(row: Row, column: string): unknown {
  const raw = row[column];
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) return raw.length === 0 ? null : raw.length === 1 ? raw[0] : raw;
  return raw;
}

function referenceScan(query: Json, segments: readonly TestSegment[], slices: readonly SegmentSlice[]): unknown[] {
  const order = query['order'] ?? 'none';
  let rows = visibleRows(segments, slices).filter(({ row }) => filterMatches(query['filter'] as Json | undefined, row));
  // Stable sorts keep segment order, then row order, among equal times.
  if (order === 'ascending') rows = [...rows].sort((left, right) => Number(left.row['__time']) - Number(right.row['__time']));
  if (order === 'descending') {
    rows = segments.flatMap((_, index) => rows.filter((row) => row.segmentIndex === index).reverse());
    rows.sort((left, right) => Number(right.row['__time']) - Number(left.row['__time']));
  }
  const offset = Number(query['offset'] ?? 0);
  rows = rows.slice(offset, query['limit'] === undefined ? undefined : offset + Number(query['limit']));
  const batchSize = Number(query['batchSize'] ?? 20480);
  const batches: Json[] = [];
  for (const { row, segmentIndex } of rows) {
    const segment = slices[segmentIndex]!.segment;
    const columns = (query['columns'] as string[] | undefined)?.length ? (query['columns'] as string[]) : ['__time', ...segment.columnNames()];
    const last = batches[batches.length - 1];
    if (last === undefined || last['segmentId'] !== segment.id || (last['events'] as unknown[]).length >= batchSize) {
      batches.push({ segmentId: segment.id, columns, events: [] });
    }
    const values = columns.map((column) => scanValue(row, column));
    const event = query['resultFormat'] === 'compactedList' ? values : Object.fromEntries(columns.map((column, index) => [column, values[index]]));
    (batches[batches.length - 1]!['events'] as unknown[]).push(event);
  }
  return batches;
}

describe('scan', () => {
  it('matches the reference for orders, limits, offsets, formats and columns on random segments', () => {
    const random = randomSource(41);
    const orders = ['none', 'ascending', 'descending'];
    const columnSets = [[], ['__time', 'page', 'tags'], ['added', 'country', 'delta', 'noSuchColumn']];
    for (let trial = 0; trial < 45; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 4), Math.floor(random() * 60));
      const queryInterval = { startMs: START_MS + Math.floor(random() * 5) * 3_600_000, endMs: START_MS + 4 * DAY_MS };
      const slices = slicesFor(segments, [queryInterval]);
      const query: Json = {
        queryType: 'scan',
        dataSource: 'wiki',
        intervals: [isoInterval(queryInterval)],
        columns: columnSets[trial % columnSets.length],
        order: orders[Math.floor(trial / 3) % orders.length],
        resultFormat: trial % 2 === 0 ? 'list' : 'compactedList',
        batchSize: 1 + Math.floor(random() * 30),
      };
      if (trial % 4 !== 0) query['limit'] = 1 + Math.floor(random() * 40);
      if (trial % 5 > 2) query['offset'] = Math.floor(random() * 20);
      if (trial % 6 === 5) query['filter'] = { type: 'selector', dimension: 'tags', value: 'z' };
      assert.deepEqual(runQuery(parseQuery(query), slices), referenceScan(query, segments, slices), `trial ${trial}`);
    }
  });

  it('returns __time as a long and an empty array when nothing matches', () => {
    const segments = randomSegments(randomSource(2), 1, 5, false);
    const slices = slicesFor(segments, [{ startMs: START_MS, endMs: START_MS + DAY_MS }]);
    const [batch] = runQuery(parseQuery({ queryType: 'scan', dataSource: 'wiki', intervals: ['2024-01-29/2024-01-30'], columns: ['__time'], limit: 1, order: 'ascending' }), slices) as Json[];
    assert.deepEqual(batch!['events'], [{ __time: Math.min(...segments[0]!.rows.map((row) => Number(row['__time']))) }]);
    assert.deepEqual(runQuery(parseQuery({ queryType: 'scan', dataSource: 'wiki', intervals: ['2020-01-01/2020-01-02'] }), slicesFor(segments, [{ startMs: 0, endMs: 1 }])), []);
  });
});
