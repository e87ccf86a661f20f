// End to end over HTTP: the all-in-one process on a temp data directory. Submit a task, poll it,
// query every query type, send malformed specs and queries, restart and find everything again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../cluster/config.js';
import { startAllInOne, type AllInOne } from '../../cli/all-in-one.js';

const rows = [
  { ts: '2024-03-01T00:10:00Z', page: 'Home', country: 'US', user: 'ann', tags: ['a', 'b'], added: 10, price: 1.5 },
  { ts: '2024-03-01T01:20:00Z', page: 'Home', country: 'DE', user: 'bob', tags: ['b'], added: 5, price: null },
  { ts: '2024-03-01T01:30:00Z', page: 'About', country: 'US', user: 'ann', tags: [], added: 7, price: 2.25 },
  { ts: '2024-03-02T05:00:00Z', page: 'Blog', country: null, user: 'cid', tags: ['c'], added: 1, price: 4 },
  { ts: '2024-03-02T06:00:00Z', page: 'Home', country: 'FR', user: 'dee', tags: ['a'], added: 20, price: 0.25 },
  { ts: 'not a time', page: 'Broken', country: 'US', user: 'x', tags: [], added: 1, price: 1 },
];

function taskSpec(dataSource: string, data: readonly object[], appendToExisting = false): object {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['page', 'country', 'user', 'tags'] },
        metricsSpec: [
          { type: 'count', name: 'count' },
          { type: 'longSum', name: 'added', fieldName: 'added' },
          { type: 'doubleSum', name: 'price', fieldName: 'price' },
        ],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'inline', data: data.map((row) => JSON.stringify(row)).join('\n') },
        inputFormat: { type: 'json' },
        appendToExisting,
      },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}

async function post(server: AllInOne, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

async function get(server: AllInOne, path: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, json: await response.json() };
}

async function ingest(server: AllInOne, spec: object): Promise<any> {
  const submitted = await post(server, '/druid/indexer/v1/task', spec);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
  const id = submitted.json.task as string;
  for (let attempt = 0; attempt < 600; attempt++) {
    const { json } = await get(server, `/druid/indexer/v1/task/${encodeURIComponent(id)}/status`);
    assert.equal(json.task, id);
    if (json.status.status !== 'RUNNING') return json.status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`task ${id} did not finish`);
}

async function start(dataDir: string): Promise<AllInOne> {
  const config = loadConfig({ env: {}, overrides: { dataDir, port: 0, host: '127.0.0.1' } });
  return startAllInOne(config, { sample: false });
}

const all = ['2024-01-01/2025-01-01'];

test('all-in-one: ingest over HTTP, query every way, reject bad input, survive a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-e2e-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let server = await start(dataDir);
  try {
    const status = await ingest(server, taskSpec('edits', rows));
    assert.equal(status.status, 'SUCCESS', status.errorMsg);
    assert.equal(status.dataSource, 'edits');
    const report = await get(server, `/druid/indexer/v1/task/${encodeURIComponent(status.id)}/reports`);
    assert.equal(report.json.ingestionStatsAndErrors.payload.rowStats.buildSegments.processed, 5);
    assert.equal(report.json.ingestionStatsAndErrors.payload.rowStats.buildSegments.unparseable, 1);

    assert.deepEqual((await get(server, '/druid/v2/datasources')).json, ['edits']);
    const schema = (await get(server, '/druid/v2/datasources/edits')).json;
    assert.deepEqual(schema.dimensions, ['country', 'page', 'tags', 'user']);

    const daily = await post(server, '/druid/v2', {
      queryType: 'timeseries', dataSource: 'edits', granularity: 'day', intervals: all.map(() => '2024-03-01/2024-03-03'),
      aggregations: [{ type: 'count', name: 'rows' }, { type: 'longSum', name: 'added', fieldName: 'added' }],
    });
    assert.equal(daily.status, 200, JSON.stringify(daily.json));
    assert.deepEqual(daily.json, [
      { timestamp: '2024-03-01T00:00:00.000Z', result: { rows: 3, added: 22 } },
      { timestamp: '2024-03-02T00:00:00.000Z', result: { rows: 2, added: 21 } },
    ]);

    const top = await post(server, '/druid/v2?pretty', {
      queryType: 'topN', dataSource: 'edits', dimension: 'page', metric: 'added', threshold: 2, granularity: 'all', intervals: all,
      aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }],
    });
    assert.deepEqual(top.json, [{ timestamp: '2024-03-01T00:10:00.000Z', result: [{ page: 'Home', added: 35 }, { page: 'About', added: 7 }] }]);

    const grouped = await post(server, '/druid/v2', {
      queryType: 'groupBy', dataSource: 'edits', dimensions: ['country'], granularity: 'all', intervals: all,
      filter: { type: 'not', field: { type: 'selector', dimension: 'page', value: 'About' } },
      aggregations: [{ type: 'count', name: 'rows' }],
    });
    assert.deepEqual(grouped.json.map((row: any) => [row.version, row.event.country, row.event.rows]), [
      ['v1', null, 1], ['v1', 'DE', 1], ['v1', 'FR', 1], ['v1', 'US', 1],
    ]);

    const multiValue = await post(server, '/druid/v2', {
      queryType: 'topN', dataSource: 'edits', dimension: 'tags', metric: { type: 'dimension' }, threshold: 10, granularity: 'all', intervals: all,
      aggregations: [{ type: 'count', name: 'rows' }],
    });
    assert.deepEqual(multiValue.json[0].result, [{ tags: null, rows: 1 }, { tags: 'a', rows: 2 }, { tags: 'b', rows: 2 }, { tags: 'c', rows: 1 }]);

    const scan = await post(server, '/druid/v2', { queryType: 'scan', dataSource: 'edits', intervals: all, columns: ['__time', 'user'], limit: 2, order: 'descending' });
    assert.deepEqual(scan.json.flatMap((batch: any) => batch.events), [
      { __time: Date.parse('2024-03-02T06:00:00Z'), user: 'dee' },
      { __time: Date.parse('2024-03-02T05:00:00Z'), user: 'cid' },
    ]);

    const boundary = await post(server, '/druid/v2', { queryType: 'timeBoundary', dataSource: 'edits' });
    assert.deepEqual(boundary.json[0].result, { minTime: '2024-03-01T00:10:00.000Z', maxTime: '2024-03-02T06:00:00.000Z' });

    const badQuery = await post(server, '/druid/v2', { queryType: 'timeseries', dataSource: 'edits', intervals: all, granularity: 'day', aggregations: [{ type: 'longSum', name: 'x' }] });
    assert.equal(badQuery.status, 400);
    assert.match(badQuery.json.errorMessage, /aggregations\[0\]\.fieldName/);
    const badJson = await post(server, '/druid/v2', '{"queryType": ');
    assert.equal(badJson.status, 400);
    const unknown = await post(server, '/druid/v2', { queryType: 'timeseries', dataSource: 'nope', intervals: all, granularity: 'all', aggregations: [] });
    assert.equal(unknown.status, 404);
    const timeout = await post(server, '/druid/v2', { queryType: 'scan', dataSource: 'edits', intervals: all, context: { timeout: -1 } });
    assert.ok(timeout.status === 400 || timeout.status === 504, `negative timeout: ${timeout.status}`);

    const sql = await post(server, '/druid/v2/sql', { query: 'SELECT COUNT(*) FROM edits' });
    assert.equal(sql.status, 400);
    assert.match(sql.json.errorMessage, /Druid SQL is not supported/);

    const badSpec = await post(server, '/druid/indexer/v1/task', { type: 'index_parallel', spec: { dataSchema: { dataSource: 'x' }, ioConfig: {} } });
    assert.equal(badSpec.status, 400);
    assert.match(badSpec.json.errorMessage, /spec\./);
    assert.equal((await get(server, '/druid/indexer/v1/task/nope/status')).status, 404);

    // appendToExisting adds partitions; replacing overshadows.
    const appended = await ingest(server, taskSpec('edits', [{ ts: '2024-03-01T12:00:00Z', page: 'New', added: 100 }], true));
    assert.equal(appended.status, 'SUCCESS', appended.errorMsg);
    const afterAppend = await post(server, '/druid/v2', { queryType: 'timeseries', dataSource: 'edits', granularity: 'all', intervals: all, aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] });
    assert.equal(afterAppend.json[0].result.added, 143);
    const replaced = await ingest(server, taskSpec('edits', [{ ts: '2024-03-02T12:00:00Z', page: 'Only', added: 1000 }]));
    assert.equal(replaced.status, 'SUCCESS', replaced.errorMsg);
    const afterReplace = await post(server, '/druid/v2', { queryType: 'timeseries', dataSource: 'edits', granularity: 'day', intervals: all, aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] });
    assert.deepEqual(afterReplace.json, [
      { timestamp: '2024-03-01T00:00:00.000Z', result: { added: 122 } },
      { timestamp: '2024-03-02T00:00:00.000Z', result: { added: 1000 } },
    ]);
  } finally {
    await server.close();
  }

  server = await start(dataDir);
  try {
    const afterRestart = await post(server, '/druid/v2', { queryType: 'timeseries', dataSource: 'edits', granularity: 'day', intervals: all, aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] });
    assert.deepEqual(afterRestart.json, [
      { timestamp: '2024-03-01T00:00:00.000Z', result: { added: 122 } },
      { timestamp: '2024-03-02T00:00:00.000Z', result: { added: 1000 } },
    ]);
    const loadStatus = await get(server, '/druid/coordinator/v1/loadstatus');
    assert.deepEqual(loadStatus.json, { edits: 100 });
  } finally {
    await server.close();
  }
});

test('all-in-one: a task past maxParseExceptions fails and publishes nothing', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-e2e-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const server = await start(dataDir);
  try {
    const spec = taskSpec('broken', rows) as any;
    spec.spec.tuningConfig.maxParseExceptions = 0;
    const status = await ingest(server, spec);
    assert.equal(status.status, 'FAILED');
    assert.match(status.errorMsg, /maxParseExceptions/);
    assert.deepEqual((await get(server, '/druid/v2/datasources')).json, []);
    assert.deepEqual((await get(server, '/druid/coordinator/v1/metadata/datasources')).json, []);
  } finally {
    await server.close();
  }
});
