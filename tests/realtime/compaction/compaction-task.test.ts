import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetadataStore } from '../../../cluster/metadata-store.js';
import { TaskRunner } from '../../../realtime/task-runner.js';
import {
  appendTask,
  environment,
  normalized,
  queryStore,
  random,
  randomRows,
  runTask,
  runTaskOk,
  type Environment,
} from './compaction-fixtures.js';

const dataSource = 'events';
const day = '2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z';
const aggregations = [
  { type: 'longSum', name: 'rows', fieldName: 'count' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleSum', name: 'value', fieldName: 'value' },
  { type: 'longMax', name: 'maxAdded', fieldName: 'maxAdded' },
  { type: 'hyperUnique', name: 'users', fieldName: 'users' },
];

/** Queries whose answers a compaction to `queryGranularity` must not change. */
function queries(coarsestGranularity: string): Record<string, unknown>[] {
  const base = { queryType: 'timeseries', dataSource, intervals: [day], aggregations };
  return [
    { ...base, granularity: 'all' },
    { ...base, granularity: coarsestGranularity },
    { ...base, granularity: coarsestGranularity, intervals: ['2024-01-01T01:00:00.000Z/2024-01-01T04:00:00.000Z'] },
    { ...base, granularity: 'all', filter: { type: 'selector', dimension: 'country', value: 'FR' } },
    { ...base, granularity: 'all', filter: { type: 'null', column: 'country' } },
    { ...base, granularity: 'all', filter: { type: 'in', dimension: 'tags', values: ['a', 'c'] } },
    { queryType: 'groupBy', dataSource, intervals: [day], granularity: 'all', dimensions: ['country', 'device'], aggregations },
    { queryType: 'groupBy', dataSource, intervals: [day], granularity: coarsestGranularity, dimensions: ['tags'], aggregations },
    { queryType: 'topN', dataSource, intervals: [day], granularity: 'all', dimension: 'device', metric: 'added', threshold: 10, aggregations },
    { queryType: 'topN', dataSource, intervals: [day], granularity: 'all', dimension: 'country', metric: 'rows', threshold: 10, aggregations },
  ];
}

async function answers(env: Environment, list: readonly Record<string, unknown>[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const query of list) {
    const result = normalized(await queryStore(env, query)) as Record<string, unknown>[];
    // Granularity 'all' reports the earliest row's time, which a coarser query granularity truncates by design.
    results.push(query['granularity'] === 'all' ? result.map(({ timestamp: _timestamp, ...rest }) => rest) : result);
  }
  return results;
}

/** Appends `batches` randomized batches as small hourly segments; returns the rows. */
async function seed(env: Environment, seedValue: number, batches: number, rowsPerBatch: number): Promise<Record<string, unknown>[]> {
  const next = random(seedValue);
  const all: Record<string, unknown>[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const rows = randomRows(next, rowsPerBatch, 6);
    all.push(...rows);
    await runTaskOk(env.runner, appendTask(dataSource, rows));
  }
  return all;
}

/** Row count and sum of `added` over the day, as queries see them. */
async function totals(env: Environment): Promise<unknown> {
  const result = await queryStore(env, { queryType: 'timeseries', dataSource, intervals: [day], granularity: 'all', aggregations: aggregations.slice(0, 2) });
  return (result as { result: unknown }[]).map((row) => row.result);
}

function compactTask(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'compact', dataSource, ioConfig: { type: 'compact', inputSpec: { type: 'interval', interval: day } }, ...extra };
}

const granularityCases = [
  { name: 'merge only (same granularities)', spec: {}, coarsest: 'hour', chunkHours: 1 },
  { name: 'day segments, hour query granularity', spec: { granularitySpec: { segmentGranularity: 'day', queryGranularity: 'hour' } }, coarsest: 'hour', chunkHours: 24 },
  { name: 'fifteen-minute query granularity, small partitions', spec: { granularitySpec: { queryGranularity: 'fifteen_minute' }, tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 40 } } }, coarsest: 'hour', chunkHours: 1 },
  { name: 'six-hour segments, reordered dimensions', spec: { granularitySpec: { segmentGranularity: 'six_hour' }, dimensionsSpec: { dimensions: ['device', 'tags', 'country'] } }, coarsest: 'hour', chunkHours: 6 },
];

for (const [index, granularityCase] of granularityCases.entries()) {
  test(`compaction keeps query answers: ${granularityCase.name}`, async (context) => {
    const env = await environment(context);
    await seed(env, 100 + index, 6, 250);
    const before = await env.store.usedSegments(dataSource);
    assert.ok(before.length >= 30, `expected many small segments, got ${before.length}`);
    const list = queries(granularityCase.coarsest);
    const expected = await answers(env, list);

    const id = await runTaskOk(env.runner, compactTask(granularityCase.spec));
    const after = await env.store.usedSegments(dataSource);
    assert.ok(after.length < before.length);
    assert.equal(new Set(after.map((record) => record.version)).size, 1, 'one new version');
    assert.ok(after[0]!.version > before.map((record) => record.version).sort().at(-1)!);
    for (const record of after) assert.equal(record.interval.endMs - record.interval.startMs, granularityCase.chunkHours * 3_600_000);
    const maxRows = (granularityCase.spec as { tuningConfig?: { partitionsSpec: { maxRowsPerSegment: number } } }).tuningConfig?.partitionsSpec.maxRowsPerSegment;
    if (maxRows !== undefined) for (const record of after) assert.ok(record.info.rowCount <= maxRows);
    const all = await env.store.allSegments(dataSource);
    for (const record of before) assert.equal(all.find((other) => other.id === record.id)?.used, false, 'inputs retired');
    assert.deepEqual(await answers(env, list), expected);
    const task = await env.store.task(id);
    const payload = (task!.report as { ingestionStatsAndErrors: { payload: { compaction: { inputSegments: number; outputSegments: number } } } }).ingestionStatsAndErrors.payload;
    assert.equal(payload.compaction.inputSegments, before.length);
    assert.equal(payload.compaction.outputSegments, after.length);
  });
}

test('coarser query granularity rolls rows up: fewer rows, same totals', async (context) => {
  const env = await environment(context);
  await seed(env, 7, 4, 300);
  const rowsBefore = (await env.store.usedSegments(dataSource)).reduce((total, record) => total + record.info.rowCount, 0);
  const totals = await answers(env, [{ queryType: 'timeseries', dataSource, intervals: [day], granularity: 'hour', aggregations }]);
  await runTaskOk(env.runner, compactTask({ granularitySpec: { queryGranularity: 'hour' }, dimensionsSpec: { dimensions: ['device'] } }));
  const after = await env.store.usedSegments(dataSource);
  const rowsAfter = after.reduce((total, record) => total + record.info.rowCount, 0);
  // 6 hours × 3 devices at most once time is truncated to the hour and only `device` is kept.
  assert.ok(rowsAfter <= 18 && rowsAfter < rowsBefore, `rows ${rowsBefore} → ${rowsAfter}`);
  assert.deepEqual(after[0]!.info.queryGranularity, 'hour');
  assert.deepEqual(after[0]!.info.dimensions, ['device']);
  assert.deepEqual(await answers(env, [{ queryType: 'timeseries', dataSource, intervals: [day], granularity: 'hour', aggregations }]), totals);
});

for (const stage of ['pulled', 'merged', 'pushed'] as const) {
  test(`a compaction killed after '${stage}' leaves the old segments serving; a rerun completes`, async (context) => {
    let crashAt: string | null = stage;
    const env = await environment(context, {
      onCompactionStage: (_taskId, reached) => {
        if (reached === crashAt) throw new Error(`simulated crash after ${reached}`);
      },
    });
    await seed(env, 300, 4, 200);
    const before = (await env.store.usedSegments(dataSource)).map((record) => record.id).sort();
    const list = queries('hour');
    const expected = await answers(env, list);

    const crashed = await runTask(env.runner, compactTask({ granularitySpec: { segmentGranularity: 'day' } }));
    assert.equal(crashed.state, 'FAILED');
    assert.match(crashed.errorMessage ?? '', /simulated crash/);
    assert.deepEqual((await env.store.usedSegments(dataSource)).map((record) => record.id).sort(), before);
    assert.deepEqual(await answers(env, list), expected);

    crashAt = null;
    await runTaskOk(env.runner, compactTask({ granularitySpec: { segmentGranularity: 'day' } }));
    assert.equal((await env.store.usedSegments(dataSource)).length, 1);
    assert.deepEqual(await answers(env, list), expected);
  });
}

test('an append published while a compaction runs fails the compaction, loses nothing, and a rerun includes it', async (context) => {
  let appendDuringCompaction: (() => Promise<void>) | null = null;
  const env = await environment(context, {
    onCompactionStage: async (_taskId, stage) => {
      if (stage === 'merged' && appendDuringCompaction !== null) {
        const append = appendDuringCompaction;
        appendDuringCompaction = null;
        await append();
      }
    },
  });
  const rows = await seed(env, 400, 3, 200);
  const extra = randomRows(random(401), 150, 6);
  appendDuringCompaction = async () => {
    await runTaskOk(env.runner, appendTask(dataSource, extra));
  };
  const failed = await runTask(env.runner, compactTask());
  assert.equal(failed.state, 'FAILED');
  assert.match(failed.errorMessage ?? '', /were published.*rerun the compaction/);
  const total = async (): Promise<unknown> => totals(env);
  const expectedRows = rows.length + extra.length;
  const expectedAdded = [...rows, ...extra].reduce((sum, row) => sum + (row['added'] as number), 0);
  const expected = [{ rows: expectedRows, added: expectedAdded }];
  assert.deepEqual(await total(), expected);
  await runTaskOk(env.runner, compactTask());
  assert.deepEqual(await total(), expected);
});

test('an append that slips in between the final check and the publish makes the publish fail atomically; a rerun includes it', async (context) => {
  const env = await environment(context);
  const rows = await seed(env, 500, 3, 200);
  const extra = randomRows(random(501), 120, 6);
  const appender = new TaskRunner({ store: env.store, deepStorage: env.deepStorage, workDir: `${env.dir}/appender` });
  let raced = false;
  // The compaction's store: right before its publish transaction, another task publishes an append.
  const racingStore: MetadataStore = Object.create(env.store, {
    publishSegments: {
      value: async (...args: Parameters<MetadataStore['publishSegments']>) => {
        const [, markUnused] = args;
        if (!raced && markUnused !== undefined && markUnused.length > 0) {
          raced = true;
          await runTaskOk(appender, appendTask(dataSource, extra));
        }
        return env.store.publishSegments(...args);
      },
    },
  });
  const compactor = new TaskRunner({ store: racingStore, deepStorage: env.deepStorage, workDir: `${env.dir}/compactor` });
  const failed = await runTask(compactor, compactTask({ granularitySpec: { segmentGranularity: 'day' } }));
  assert.ok(raced);
  assert.equal(failed.state, 'FAILED');
  assert.match(failed.errorMessage ?? '', /used segments changed \([1-9]\d* appeared.*nothing was published/);
  const all = [...rows, ...extra];
  const expected = [{ rows: all.length, added: all.reduce((sum, row) => sum + (row['added'] as number), 0) }];
  // Nothing of the compaction was published: the old segments and the append serve side by side.
  assert.deepEqual(await totals(env), expected);
  await runTaskOk(compactor, compactTask({ granularitySpec: { segmentGranularity: 'day' } }));
  assert.deepEqual(await totals(env), expected);
});

test('an append that chose its version before a compaction published is rescued by the appending task', async (context) => {
  const env = await environment(context);
  const rows = await seed(env, 600, 3, 200);
  const extra = randomRows(random(601), 100, 6);
  const compactor = new TaskRunner({ store: env.store, deepStorage: env.deepStorage, workDir: `${env.dir}/compactor` });
  let compacted = false;
  const lateStore: MetadataStore = Object.create(env.store, {
    publishSegments: {
      value: async (segments: Parameters<MetadataStore['publishSegments']>[0], markUnused?: readonly string[]) => {
        if (!compacted) {
          compacted = true;
          await runTaskOk(compactor, compactTask({ granularitySpec: { segmentGranularity: 'day' } }));
        }
        return env.store.publishSegments(segments, markUnused);
      },
    },
  });
  const appender = new TaskRunner({ store: lateStore, deepStorage: env.deepStorage, workDir: `${env.dir}/appender` });
  await runTaskOk(appender, appendTask(dataSource, extra));
  assert.ok(compacted);
  const all = [...rows, ...extra];
  assert.deepEqual(await totals(env), [{ rows: all.length, added: all.reduce((sum, row) => sum + (row['added'] as number), 0) }]);
});

test('bad compaction specs fail at submit with the field named', async (context) => {
  const env = await environment(context);
  await seed(env, 700, 1, 50);
  await assert.rejects(env.runner.submit({ type: 'compact', dataSource }), /interval: must be an ISO-8601 interval string/);
  await assert.rejects(env.runner.submit(compactTask({ granularitySpec: { segmentGranularity: 'bogus' } })), /granularitySpec.segmentGranularity/);
  const misaligned = await runTask(env.runner, { type: 'compact', dataSource, interval: '2024-01-01T00:30:00Z/2024-01-01T02:00:00Z' });
  assert.equal(misaligned.state, 'FAILED');
  assert.match(misaligned.errorMessage ?? '', /extends outside/);
  const empty = await runTask(env.runner, { type: 'compact', dataSource, interval: '2030-01-01/2030-01-02' });
  assert.match(empty.errorMessage ?? '', /no used segments/);
});
