import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../cluster/errors.js';
import { parseQuery } from '../../query/parse-query.js';
import { finalizeResults, mergePartials, runQuery, runSegment, type PartialResult } from '../../query/run-query.js';
import type { Query } from '../../query/query.js';
import type { SegmentSlice } from '../../query/segment-slice.js';
import { InMemorySegment } from '../../segment-format/in-memory-segment.js';
import type { ColumnData } from '../../segment-format/columns.js';
import { randomSegments, randomSource, slicesFor, START_MS, DAY_MS } from './query-types/random-data.js';

function largeSegment(rowCount: number): InMemorySegment {
  const time = new Float64Array(rowCount);
  const ids = new Uint16Array(rowCount);
  const values = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    time[row] = START_MS + Math.floor((row / rowCount) * DAY_MS);
    ids[row] = (row * 7919) % 1000;
    values[row] = row % 97;
  }
  const dictionary = Array.from({ length: 1000 }, (_, index) => `user${String(index).padStart(4, '0')}`);
  const columns = new Map<string, ColumnData>([
    ['user', { kind: 'string', multiValue: false, dictionary, ids }],
    ['value', { kind: 'long', values, nulls: null }],
  ]);
  const info = {
    dataSource: 'big',
    interval: { startMs: START_MS, endMs: START_MS + DAY_MS },
    version: 'v1',
    partition: 0,
    rowCount,
    rollup: false,
    queryGranularity: 'none',
    dimensions: ['user'],
    metrics: [],
  };
  return new InMemorySegment(info, time, columns);
}

const queries: unknown[] = [
  { queryType: 'timeseries', granularity: 'hour', aggregations: [{ type: 'count', name: 'rows' }, { type: 'doubleSum', name: 'delta', fieldName: 'delta' }] },
  { queryType: 'timeseries', granularity: 'all', aggregations: [{ type: 'longMin', name: 'low', fieldName: 'added' }] },
  { queryType: 'topN', granularity: 'day', dimension: 'tags', threshold: 3, metric: 'added', aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] },
  { queryType: 'groupBy', granularity: 'all', dimensions: ['page', 'country'], aggregations: [{ type: 'count', name: 'rows' }] },
  { queryType: 'search', granularity: 'all', query: { type: 'insensitive_contains', value: 'a' } },
  { queryType: 'scan', order: 'ascending', limit: 25, columns: ['__time', 'page'] },
  { queryType: 'timeBoundary' },
  { queryType: 'segmentMetadata', merge: true, analysisTypes: ['cardinality', 'minmax', 'size', 'interval'] },
  { queryType: 'dataSourceMetadata' },
];

/** Merge partials pairwise as a balanced tree (how brokers merge servers' results). */
function mergeTree(query: Query, partials: PartialResult[]): PartialResult {
  if (partials.length === 1) return partials[0]!;
  const middle = Math.floor(partials.length / 2);
  return mergePartials(query, mergeTree(query, partials.slice(0, middle)), mergeTree(query, partials.slice(middle)));
}

describe('runQuery', () => {
  it('gives the same results for any merge tree of per-segment partials', () => {
    const segments = randomSegments(randomSource(71), 5, 120);
    const slices = slicesFor(segments, [{ startMs: START_MS, endMs: START_MS + 5 * DAY_MS }]);
    for (const json of queries) {
      const query = parseQuery({ dataSource: 'wiki', intervals: ['2024-01-29/2024-02-03'], ...(json as object) });
      const sequential = runQuery(query, slices);
      const tree = finalizeResults(query, mergeTree(query, slices.map((slice) => runSegment(query, slice, Number.POSITIVE_INFINITY))));
      assert.deepEqual(tree, sequential, JSON.stringify(json));
      assert.ok(sequential.length > 0, JSON.stringify(json));
    }
  });

  it('finalizes a query that read no segment', () => {
    for (const json of queries) {
      const query = parseQuery({ dataSource: 'wiki', intervals: ['2024-01-29/2024-02-03'], ...(json as object) });
      const expected = query.queryType === 'timeseries' && query.granularity.isAll ? 1 : 0;
      assert.equal(finalizeResults(query, null).length, expected, JSON.stringify(json));
    }
  });

  it('throws a timeout error when the context timeout passes during a large segment', () => {
    const segment = largeSegment(1_000_000);
    const slices: SegmentSlice[] = [{ segment, intervals: [segment.info.interval] }];
    const query = parseQuery({
      queryType: 'groupBy',
      dataSource: 'big',
      intervals: ['2024-01-29/2024-01-30'],
      granularity: 'minute',
      dimensions: ['user'],
      aggregations: [{ type: 'longSum', name: 'value', fieldName: 'value' }],
      context: { timeout: 1 },
    });
    assert.throws(
      () => runQuery(query, slices),
      (error: unknown) => error instanceof SedimentError && error.code === 'timeout' && error.message.startsWith('Query timeout'),
    );
    const untimed = parseQuery({ queryType: 'timeseries', dataSource: 'big', intervals: ['2024-01-29/2024-01-30'], aggregations: [{ type: 'count', name: 'rows' }] });
    assert.deepEqual(runQuery(untimed, slices), [{ timestamp: '2024-01-29T00:00:00.000Z', result: { rows: 1_000_000 } }]);
  });
});
