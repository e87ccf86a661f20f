import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { compactionRoutes } from '../../../broker/http-compaction-routes.js';
import { SedimentError } from '../../../cluster/errors.js';
import { CompactionDuty } from '../../../coordinator/compaction/compaction-duty.js';
import { KillDuty } from '../../../coordinator/kill/kill-duty.js';
import { appendTask, environment, random, randomRows, runTaskOk, type Environment } from '../../realtime/compaction/compaction-fixtures.js';

const dataSource = 'events';
const hour = 3_600_000;
const dayStartMs = Date.UTC(2024, 0, 1);

async function seeded(context: Parameters<typeof environment>[0]): Promise<Environment> {
  const env = await environment(context);
  const next = random(9);
  for (let batch = 0; batch < 3; batch++) await runTaskOk(env.runner, appendTask(dataSource, randomRows(next, 120, 6)));
  return env;
}

function dutyOf(env: Environment, maxConcurrentTasks: number): CompactionDuty {
  return new CompactionDuty({
    store: env.store,
    submit: (spec) => env.runner.submit(spec),
    runningCompactions: () => env.runner.runningCompactions(),
    periodMs: 60_000,
    maxConcurrentTasks,
  });
}

test('auto-compaction: per-chunk status with reasons, bounded concurrency, skipOffsetFromLatest', async (context) => {
  const env = await seeded(context);
  const duty = dutyOf(env, 2);
  await duty.setDataSourceConfig({ dataSource, skipOffsetFromLatest: 'PT2H' });
  const [before] = await duty.status(dataSource);
  assert.equal(before!.scheduleStatus, 'RUNNING');
  assert.deepEqual(before!.chunks.map((chunk) => chunk.state), ['AWAITING', 'AWAITING', 'AWAITING', 'AWAITING', 'SKIPPED', 'SKIPPED']);
  assert.match(before!.chunks[0]!.reason, /3 segments of \d+ rows fit in 1/);
  assert.match(before!.chunks[5]!.reason, /within skipOffsetFromLatest \(PT2H\)/);

  const first = await duty.runOnce();
  assert.equal(first.length, 2, 'two slots');
  const [during] = await duty.status(dataSource);
  assert.deepEqual(during!.chunks.slice(2, 4).map((chunk) => [chunk.state, chunk.reason]), [
    ['RUNNING', 'interval has a running compaction'],
    ['RUNNING', 'interval has a running compaction'],
  ]);
  assert.deepEqual(await duty.runOnce(), [], 'no free slot while both run');
  for (const id of first) assert.equal((await env.runner.waitFor(id))!.state, 'SUCCESS');
  const second = await duty.runOnce();
  assert.equal(second.length, 2);
  for (const id of second) assert.equal((await env.runner.waitFor(id))!.state, 'SUCCESS');
  assert.deepEqual(await duty.runOnce(), []);

  const [after] = await duty.status(dataSource);
  assert.deepEqual(after!.chunks.map((chunk) => [chunk.state, chunk.reason.split(';')[0]]), [
    ['COMPACTED', 'single segment at target size'],
    ['COMPACTED', 'single segment at target size'],
    ['COMPACTED', 'single segment at target size'],
    ['COMPACTED', 'single segment at target size'],
    ['SKIPPED', 'within skipOffsetFromLatest (PT2H) of the latest data'],
    ['SKIPPED', 'within skipOffsetFromLatest (PT2H) of the latest data'],
  ]);
  assert.equal(after!.intervalCountCompacted, 4);
  assert.equal(after!.segmentCountSkipped, 6);
});

test('status explains granularity and size differences; a small target splits a chunk into partitions', async (context) => {
  const env = await seeded(context);
  const duty = dutyOf(env, 1);
  await duty.setDataSourceConfig({ dataSource, skipOffsetFromLatest: 'PT0S', granularitySpec: { segmentGranularity: 'day', queryGranularity: 'hour' }, tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 100 } } });
  const [before] = await duty.status(dataSource);
  assert.equal(before!.chunks.length, 1);
  assert.match(before!.chunks[0]!.reason, /segment granularity differs/);
  const [id] = await duty.runOnce();
  assert.equal((await env.runner.waitFor(id!))!.state, 'SUCCESS');
  const [after] = await duty.status(dataSource);
  assert.equal(after!.chunks[0]!.state, 'COMPACTED');
  assert.equal(after!.chunks[0]!.reason, 'already compacted with this config');
  const used = await env.store.usedSegments(dataSource);
  assert.ok(used.length > 1 && used.every((record) => record.info.rowCount <= 100 && record.interval.endMs - record.interval.startMs === 24 * hour));
});

test('HTTP: compaction config CRUD, status, markUnused, kill of an interval', async (context) => {
  const env = await seeded(context);
  const duty = dutyOf(env, 1);
  const kill = new KillDuty({ store: env.store, deepStorage: env.deepStorage, periodMs: 60_000, durationToRetainMs: 0, bufferPeriodMs: 0, maxSegmentsPerRun: 100 });
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const sediment = error instanceof SedimentError ? error : new SedimentError('internal', String(error));
    void reply.status(sediment.httpStatus).send(sediment.toJson());
  });
  compactionRoutes(app, { store: env.store, compaction: duty, kill });
  context.after(() => app.close());
  const base = '/druid/coordinator/v1';

  assert.equal((await app.inject({ method: 'POST', url: `${base}/config/compaction`, payload: { dataSource, skipOffsetFromLatest: 'bogus' } })).statusCode, 400);
  assert.equal((await app.inject({ method: 'POST', url: `${base}/config/compaction`, payload: { dataSource, skipOffsetFromLatest: 'PT0S' } })).statusCode, 200);
  const document = (await app.inject({ method: 'GET', url: `${base}/config/compaction` })).json() as { compactionConfigs: { dataSource: string }[] };
  assert.deepEqual(document.compactionConfigs.map((config) => config.dataSource), [dataSource]);
  assert.equal((await app.inject({ method: 'GET', url: `${base}/config/compaction/${dataSource}` })).json().skipOffsetFromLatest, 'PT0S');
  const status = (await app.inject({ method: 'GET', url: `${base}/compaction/status?dataSource=${dataSource}` })).json() as { latestStatus: { intervalCountAwaitingCompaction: number }[] };
  assert.equal(status.latestStatus[0]!.intervalCountAwaitingCompaction, 6);
  assert.ok((await app.inject({ method: 'GET', url: `${base}/compaction/progress?dataSource=${dataSource}` })).json().remainingSegmentSize > 0);

  const used = await env.store.usedSegments(dataSource);
  const firstHour = used.filter((record) => record.interval.startMs === dayStartMs);
  const byIds = await app.inject({ method: 'POST', url: `${base}/datasources/${dataSource}/markUnused`, payload: { segmentIds: [firstHour[0]!.id, 'not-a-segment'] } });
  assert.deepEqual(byIds.json(), { numChangedSegments: 1 });
  const byInterval = await app.inject({ method: 'POST', url: `${base}/datasources/${dataSource}/markUnused`, payload: { interval: '2024-01-01T00:00:00Z/2024-01-01T01:00:00Z' } });
  assert.deepEqual(byInterval.json(), { numChangedSegments: firstHour.length - 1 });
  const killed = await app.inject({ method: 'DELETE', url: `${base}/datasources/${dataSource}/intervals/2024-01-01T00:00:00.000Z_2024-01-01T02:00:00.000Z` });
  assert.equal(killed.json().killed, firstHour.length);
  assert.equal((await env.store.allSegments(dataSource)).length, used.length - firstHour.length);

  assert.equal((await app.inject({ method: 'DELETE', url: `${base}/config/compaction/${dataSource}` })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: `${base}/config/compaction/${dataSource}` })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: `${base}/config/compaction/${dataSource}` })).statusCode, 404);
});
