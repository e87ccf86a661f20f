import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SedimentError } from '../../../cluster/errors.js';
import { parseQuery } from '../../../query/parse-query.js';
import { QueryPool } from '../../../query/parallel/query-pool.js';
import { runQueryParallel } from '../../../query/parallel/run-query-parallel.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import type { ColumnData } from '../../../segment-format/columns.js';
import { InMemorySegment } from '../../../segment-format/in-memory-segment.js';
import { SegmentFormatError } from '../../../segment-format/segment-format-error.js';
import { DAY_MS, randomSegments, randomSource, slicesFor, START_MS } from '../query-types/random-data.js';
import { fileSlices, segmentDirectory, toSegmentFile } from './segment-files-fixture.js';

const intervals = ['2024-01-29/2024-02-03'];
const queryRange = [{ startMs: START_MS, endMs: START_MS + 5 * DAY_MS }];

const queries: object[] = [
  { queryType: 'timeseries', granularity: 'hour', aggregations: [{ type: 'count', name: 'rows' }, { type: 'doubleSum', name: 'delta', fieldName: 'delta' }] },
  { queryType: 'timeseries', granularity: 'all', aggregations: [{ type: 'longMin', name: 'low', fieldName: 'added' }, { type: 'longMax', name: 'high', fieldName: 'added' }] },
  {
    queryType: 'timeseries',
    granularity: 'day',
    filter: { type: 'in', dimension: 'page', values: ['alpha', 'beta'] },
    aggregations: [{ type: 'doubleFirst', name: 'first', fieldName: 'delta' }, { type: 'longLast', name: 'last', fieldName: 'added' }],
  },
  { queryType: 'timeseries', granularity: 'hour', aggregations: [{ type: 'cardinality', name: 'pages', fields: ['page'] }] },
  { queryType: 'topN', granularity: 'day', dimension: 'tags', threshold: 3, metric: 'added', aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] },
  { queryType: 'topN', granularity: 'all', dimension: 'page', threshold: 4, metric: 'rows', aggregations: [{ type: 'count', name: 'rows' }] },
  { queryType: 'groupBy', granularity: 'all', dimensions: ['page', 'country'], aggregations: [{ type: 'count', name: 'rows' }] },
  {
    queryType: 'groupBy',
    granularity: 'hour',
    dimensions: ['tags'],
    filter: { type: 'not', field: { type: 'selector', dimension: 'page', value: null } },
    aggregations: [{ type: 'doubleSum', name: 'delta', fieldName: 'delta' }, { type: 'filtered', filter: { type: 'selector', dimension: 'country', value: 'US' }, aggregator: { type: 'count', name: 'us' } }],
    limitSpec: { type: 'default', limit: 40, columns: [{ dimension: 'delta', direction: 'descending' }] },
  },
  { queryType: 'search', granularity: 'all', query: { type: 'insensitive_contains', value: 'a' } },
  { queryType: 'search', granularity: 'hour', query: { type: 'contains', value: 'e' } },
  { queryType: 'scan', order: 'ascending', limit: 25, columns: ['__time', 'page'] },
  { queryType: 'scan', order: 'none', limit: 700 },
  { queryType: 'scan', order: 'descending', limit: 30, offset: 5, columns: ['__time', 'added', 'tags'], resultFormat: 'compactedList' },
  { queryType: 'timeBoundary' },
  { queryType: 'segmentMetadata', merge: true, analysisTypes: ['cardinality', 'minmax', 'size', 'interval'] },
  { queryType: 'segmentMetadata', merge: false },
  { queryType: 'dataSourceMetadata' },
];

function parsed(json: object): { json: object; query: ReturnType<typeof parseQuery> } {
  const full = { dataSource: 'wiki', intervals, ...json };
  return { json: full, query: parseQuery(full) };
}

/** A segment of `rowCount` rows over one day, big enough that a tight timeout fires inside it. */
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

const crashingEntry = new URL(import.meta.url.endsWith('.ts') ? './crashing-query-worker.ts' : './crashing-query-worker.js', import.meta.url);

/** Counts the tasks the pool is handed from now on; restore() puts its own run back. */
function countTasksSent(pool: QueryPool): { readonly sent: number; restore(): void } {
  const run = pool.run.bind(pool);
  const counter = {
    sent: 0,
    restore: () => {
      pool.run = run;
    },
  };
  pool.run = (group, task) => {
    counter.sent++;
    return run(group, task);
  };
  return counter;
}

describe('runQueryParallel', () => {
  const directory = segmentDirectory();
  const pool = new QueryPool({ workerCount: 2 });
  const testPool = new QueryPool({ workerCount: 2, workerEntry: crashingEntry, overrunGraceMs: 100, minRowsPerPiece: 1 });
  let memorySlices: SegmentSlice[] = [];
  let slices: SegmentSlice[] = [];
  let bigSlices: SegmentSlice[] = [];

  before(async () => {
    // Workers are handed tasks only once loaded; these tests are about what they do with them.
    await Promise.all([pool.ready(), testPool.ready()]);
    memorySlices = slicesFor(randomSegments(randomSource(5), 5, 600), queryRange);
    slices = await fileSlices(memorySlices, directory);
    const big = largeSegment(400_000);
    bigSlices = [{ segment: await toSegmentFile(big, join(directory, 'big.sdm')), intervals: [big.info.interval] }];
  });

  after(async () => {
    await pool.close();
    await testPool.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('gives the inline results for every query type, whole segments and row ranges alike', async () => {
    for (const minRowsPerPiece of [65_536, 100, 1]) {
      for (const json of queries) {
        const { json: full, query } = parsed(json);
        const inline = runQuery(query, memorySlices);
        assert.deepEqual(runQuery(query, slices), inline, `files inline: ${JSON.stringify(json)}`);
        const parallel = await runQueryParallel(query, full, slices, pool, { minRowsPerPiece, rowsPerGroupToCut: 0 });
        assert.deepEqual(parallel, inline, `parallel (${minRowsPerPiece} rows per piece): ${JSON.stringify(json)}`);
        assert.ok(inline.length > 0, JSON.stringify(json));
      }
    }
  });

  it('runs in-memory segments inline beside file segments on workers', async () => {
    const mixed = slices.map((slice, index) => (index % 2 === 0 ? memorySlices[index]! : slice));
    for (const json of queries) {
      const { json: full, query } = parsed(json);
      assert.deepEqual(await runQueryParallel(query, full, mixed, pool, { minRowsPerPiece: 50, rowsPerGroupToCut: 0 }), runQuery(query, memorySlices), JSON.stringify(json));
    }
  });

  it('runs inline when the pool has no workers', async () => {
    const inlinePool = new QueryPool({ workerCount: 0 });
    assert.equal(inlinePool.parallel, false);
    assert.equal(new QueryPool({ workerCount: 1 }).parallel, true);
    const { json, query } = parsed(queries[0]!);
    assert.deepEqual(await runQueryParallel(query, json, slices, inlinePool, { minRowsPerPiece: 1 }), runQuery(query, memorySlices));
  });

  it('raises the SedimentError the inline path raises', async () => {
    const { json, query } = parsed({ queryType: 'groupBy', granularity: 'all', dimensions: ['page', 'tags'], aggregations: [{ type: 'count', name: 'rows' }], context: { maxResults: 3 } });
    let inlineError: unknown = null;
    try {
      runQuery(query, slices);
    } catch (error) {
      inlineError = error;
    }
    assert.ok(inlineError instanceof SedimentError && inlineError.code === 'resource_limit');
    await assert.rejects(runQueryParallel(query, json, slices, pool, { minRowsPerPiece: 1, rowsPerGroupToCut: 0 }), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, inlineError.code);
      assert.equal(error.message, inlineError.message);
      return true;
    });
  });

  it('reports a corrupt segment file as the reader does', async () => {
    const { json, query } = parsed(queries[0]!);
    const path = join(directory, 'corrupt.sdm');
    const segment = await toSegmentFile(memorySlices[0]!.segment, path);
    // Overwrite the start of the delta column's first section: its checksum no longer matches.
    const section = Object.values(segment.metadata.columns.find((column) => column.name === 'delta')!.sections)[0]!;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(Math.min(16, section.length), 0x5a), 0, Math.min(16, section.length), section.offset);
    closeSync(fd);
    await assert.rejects(runQueryParallel(query, json, [{ segment, intervals: memorySlices[0]!.intervals }], pool, { minRowsPerPiece: 1 }), (error: unknown) => {
      assert.ok(error instanceof SegmentFormatError, String(error));
      assert.equal(error.code, 'corrupt_segment');
      return true;
    });
  });

  it('runs a slice inline when its file is gone (dropped after the query took its slices)', async () => {
    const { json, query } = parsed(queries[0]!);
    const path = join(directory, 'dropped.sdm');
    const segment = await toSegmentFile(memorySlices[1]!.segment, path);
    rmSync(path);
    const dropped = [{ segment, intervals: memorySlices[1]!.intervals }];
    assert.deepEqual(await runQueryParallel(query, json, dropped, pool, { minRowsPerPiece: 1 }), runQuery(query, [memorySlices[1]!]));
  });

  it('turns a worker crash into a clean error and replaces the worker', async () => {
    const { json, query } = parsed({ ...queries[6]!, context: { crashWorker: true } });
    await assert.rejects(runQueryParallel(query, json, slices, testPool), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, 'internal');
      assert.match(error.message, /query worker exited \(code 7\)/);
      return true;
    });
    const healthy = parsed(queries[6]!);
    assert.deepEqual(await runQueryParallel(healthy.query, healthy.json, slices, testPool), runQuery(healthy.query, memorySlices));
  });

  it('times out at the deadline, as the inline path does', async () => {
    const json = {
      queryType: 'groupBy',
      dataSource: 'big',
      intervals: ['2024-01-29/2024-01-30'],
      granularity: 'minute',
      dimensions: ['user'],
      aggregations: [{ type: 'longSum', name: 'value', fieldName: 'value' }],
      context: { timeout: 1 },
    };
    await assert.rejects(
      runQueryParallel(parseQuery(json), json, bigSlices, pool),
      (error: unknown) => error instanceof SedimentError && error.code === 'timeout' && error.message.startsWith('Query timeout'),
    );
    const untimed = { queryType: 'timeseries', dataSource: 'big', intervals: ['2024-01-29/2024-01-30'], aggregations: [{ type: 'count', name: 'rows' }] };
    assert.deepEqual(await runQueryParallel(parseQuery(untimed), untimed, bigSlices, pool), [{ timestamp: '2024-01-29T00:00:00.000Z', result: { rows: 400_000 } }]);
  });

  it('answers a timeout at the deadline even when a worker is stuck, then replaces that worker', async () => {
    const { json, query } = parsed({ ...queries[0]!, context: { hangWorker: true, timeout: 300 } });
    // The workers the crash test replaced must be up, or this thread would run every piece itself.
    await testPool.ready();
    const startedMs = Date.now();
    await assert.rejects(runQueryParallel(query, json, slices, testPool), (error: unknown) => error instanceof SedimentError && error.code === 'timeout');
    const elapsedMs = Date.now() - startedMs;
    assert.ok(elapsedMs >= 290 && elapsedMs < 2_000, `timed out after ${elapsedMs} ms`);
    // Both stuck workers are terminated after the 100 ms grace; the next query gets fresh ones.
    const healthy = parsed(queries[0]!);
    assert.deepEqual(await runQueryParallel(healthy.query, healthy.json, slices, testPool), runQuery(healthy.query, memorySlices));
  });

  it('does not wait for workers still booting: this thread runs their share until they are ready', async () => {
    const json = { queryType: 'timeseries', dataSource: 'big', intervals: ['2024-01-29/2024-01-30'], granularity: 'hour', aggregations: [{ type: 'count', name: 'rows' }] };
    const query = parseQuery(json);
    const booting = new QueryPool({ workerCount: 1 });
    const tasks = countTasksSent(booting);
    try {
      assert.deepEqual(await runQueryParallel(query, json, bigSlices, booting), runQuery(query, bigSlices));
      assert.equal(tasks.sent, 0, 'nothing was handed to a worker that had not loaded yet');
      await booting.ready();
      assert.deepEqual(await runQueryParallel(query, json, bigSlices, booting), runQuery(query, bigSlices));
      assert.equal(tasks.sent, 1, 'once ready, the worker takes a piece');
    } finally {
      await booting.close();
    }
  });

  it('runs one piece of a big segment on this thread and the others on the workers', async () => {
    const json = {
      queryType: 'timeseries',
      dataSource: 'big',
      intervals: ['2024-01-29/2024-01-30'],
      granularity: 'hour',
      aggregations: [{ type: 'longSum', name: 'value', fieldName: 'value' }, { type: 'count', name: 'rows' }],
    };
    const query = parseQuery(json);
    const tasks = countTasksSent(pool);
    try {
      // 400,000 rows over two workers and this thread: three pieces, at most two sent (fewer while a
      // worker is still busy with an earlier test's cancelled task).
      assert.deepEqual(await runQueryParallel(query, json, bigSlices, pool), runQuery(query, bigSlices));
      assert.ok(tasks.sent >= 1 && tasks.sent <= 2, `${tasks.sent} pieces sent`);
    } finally {
      tasks.restore();
    }
  });
});
