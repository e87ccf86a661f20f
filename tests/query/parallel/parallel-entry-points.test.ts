// The pool behind the all-in-one's query service and the historical's sub-query runner.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { QueryService } from '../../../broker/query-service.js';
import { Timeline } from '../../../broker/timeline.js';
import { SedimentError } from '../../../cluster/errors.js';
import type { SegmentManager } from '../../../historical/segment-manager.js';
import { runSubQuery, runSubQueryParallel } from '../../../historical/sub-query-runner.js';
import type { SubQueryRequest } from '../../../historical/sub-query.js';
import { encodeWire } from '../../../query/partial-result-codec.js';
import { QueryPool } from '../../../query/parallel/query-pool.js';
import type { QueryableSegment } from '../../../query/queryable-segment.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { segmentRecord } from '../../cluster/segment-record-fixture.js';
import { randomSegments, randomSource, START_MS, DAY_MS } from '../query-types/random-data.js';
import { fileSlices, segmentDirectory } from './segment-files-fixture.js';

const queries: object[] = [
  { queryType: 'timeseries', granularity: 'hour', aggregations: [{ type: 'count', name: 'rows' }, { type: 'doubleSum', name: 'delta', fieldName: 'delta' }] },
  { queryType: 'topN', granularity: 'all', dimension: 'page', threshold: 3, metric: 'added', aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }, { type: 'hyperUnique', name: 'tagSketch', fieldName: 'tags' }] },
  { queryType: 'groupBy', granularity: 'day', dimensions: ['page', 'country'], aggregations: [{ type: 'cardinality', name: 'tags', fields: ['tags'] }] },
  { queryType: 'scan', order: 'none', limit: 50, columns: ['__time', 'page', 'delta'] },
  { queryType: 'search', granularity: 'all', query: { type: 'insensitive_contains', value: 'a' } },
  { queryType: 'segmentMetadata', merge: false },
];

function withBase(json: object): object {
  return { dataSource: 'wiki', intervals: ['2024-01-29/2024-02-03'], ...json };
}

describe('parallel entry points', () => {
  const directory = segmentDirectory();
  const pool = new QueryPool({ workerCount: 2 });
  let slices: SegmentSlice[] = [];
  let byId = new Map<string, QueryableSegment>();

  before(async () => {
    // Workers are handed tasks only once loaded; these tests are about what they do with them.
    await Promise.all([pool.ready()]);
    slices = await fileSlices(randomSegments(randomSource(29), 4, 700, false).map(({ slice }) => slice), directory);
    byId = new Map(slices.map((slice) => [slice.segment.id, slice.segment]));
  });
  after(async () => {
    await pool.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('sub-queries answer on the pool as on the calling thread, per segment or merged, naming missing segments', async () => {
    const manager = { get: (id: string) => byId.get(id) } as unknown as SegmentManager;
    const requested = [...slices.map((slice) => ({ id: slice.segment.id, intervals: slice.intervals })), { id: 'wiki_gone', intervals: [{ startMs: START_MS, endMs: START_MS + DAY_MS }] }];
    for (const json of queries) {
      for (const perSegment of [false, true]) {
        const request: SubQueryRequest = { query: withBase(json), segments: requested, perSegment };
        const parallel = await runSubQueryParallel(manager, request, pool);
        assert.deepEqual(parallel.missing, ['wiki_gone']);
        assert.equal(parallel.results.length, perSegment ? slices.length : 1);
        assert.equal(encodeWire(parallel), encodeWire(runSubQuery(manager, request)), `${JSON.stringify(json)} perSegment ${perSegment}`);
      }
    }
  });

  it("the query service's executeAsync gives execute's results and errors", async () => {
    const timeline = new Timeline();
    for (const slice of slices) {
      const { info } = slice.segment;
      timeline.add({ ...segmentRecord({ dataSource: 'wiki', startMs: info.interval.startMs, endMs: info.interval.endMs, version: info.version }), info });
    }
    const service = new QueryService(timeline, (id) => byId.get(id), { maxConcurrentQueries: 2, queryPool: pool });
    for (const json of queries) {
      const expected = service.execute(withBase(json)).results;
      assert.deepEqual((await service.executeAsync(withBase(json))).results, expected, JSON.stringify(json));
    }
    await assert.rejects(service.executeAsync({ ...withBase(queries[0]!), dataSource: 'nope' }), (error: unknown) => error instanceof SedimentError && error.code === 'not_found');
    // Concurrent queries count against the limit while they run on the workers.
    const running = [service.executeAsync(withBase(queries[2]!)), service.executeAsync(withBase(queries[2]!))];
    await assert.rejects(service.executeAsync(withBase(queries[0]!)), (error: unknown) => error instanceof SedimentError && error.code === 'capacity_exceeded');
    await Promise.all(running);
  });
});
