import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KillDuty } from '../../../coordinator/kill/kill-duty.js';
import { killUnusedSegments } from '../../../coordinator/kill/kill-unused-segments.js';
import { appendTask, environment, random, randomRows, runTaskOk } from '../../realtime/compaction/compaction-fixtures.js';

const dataSource = 'events';
const day = '2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z';

async function seededAndCompacted(context: Parameters<typeof environment>[0]) {
  const env = await environment(context);
  const next = random(42);
  for (let batch = 0; batch < 3; batch++) await runTaskOk(env.runner, appendTask(dataSource, randomRows(next, 100, 4)));
  await runTaskOk(env.runner, { type: 'compact', dataSource, interval: day, granularitySpec: { segmentGranularity: 'day' } });
  return env;
}

test('kill deletes unused segments (file then record) and never a used one', async (context) => {
  const env = await seededAndCompacted(context);
  const all = await env.store.allSegments(dataSource);
  const used = all.filter((record) => record.used);
  const unused = all.filter((record) => !record.used);
  assert.equal(used.length, 1);
  assert.ok(unused.length >= 10);
  const duty = new KillDuty({ store: env.store, deepStorage: env.deepStorage, periodMs: 60_000, durationToRetainMs: 0, bufferPeriodMs: 0, maxSegmentsPerRun: 4, nowMs: () => Date.now() + 1000 });
  assert.equal(await duty.runOnce(), 4, 'bounded per run');
  let total = 4;
  for (let run = 0; run < 10; run++) total += await duty.runOnce();
  assert.equal(total, unused.length);
  const remaining = await env.store.allSegments(dataSource);
  assert.deepEqual(remaining.map((record) => record.id), used.map((record) => record.id));
  assert.equal(await env.deepStorage.exists(used[0]!.deepStorageKey), true);
  for (const record of unused) assert.equal(await env.deepStorage.exists(record.deepStorageKey), false);
});

test('kill respects durationToRetain and the buffer period', async (context) => {
  const env = await seededAndCompacted(context);
  const dayEndMs = Date.UTC(2024, 0, 2);
  // Retain everything that ended after 2024-01-01T12:00: the day's segments ended at 2024-01-02.
  const retained = new KillDuty({ store: env.store, deepStorage: env.deepStorage, periodMs: 60_000, durationToRetainMs: 12 * 3_600_000, bufferPeriodMs: 0, maxSegmentsPerRun: 100, nowMs: () => dayEndMs });
  assert.equal(await retained.runOnce(), 0);
  // Marked unused just now: inside a one-hour buffer period.
  const buffered = new KillDuty({ store: env.store, deepStorage: env.deepStorage, periodMs: 60_000, durationToRetainMs: 0, bufferPeriodMs: 3_600_000, maxSegmentsPerRun: 100 });
  assert.equal(await buffered.runOnce(), 0);
  assert.ok((await env.store.allSegments(dataSource)).some((record) => !record.used));
});

test('kill of an interval covers only segments wholly inside it; used segments in it survive', async (context) => {
  const env = await seededAndCompacted(context);
  const before = await env.store.allSegments(dataSource);
  const firstHour = { startMs: Date.UTC(2024, 0, 1, 0), endMs: Date.UTC(2024, 0, 1, 1) };
  const result = await killUnusedSegments(env.store, env.deepStorage, { dataSource, interval: firstHour });
  const expected = before.filter((record) => !record.used && record.interval.startMs >= firstHour.startMs && record.interval.endMs <= firstHour.endMs);
  assert.ok(expected.length > 0);
  assert.deepEqual([...result.killed].sort(), expected.map((record) => record.id).sort());
  const wholeDay = await killUnusedSegments(env.store, env.deepStorage, { dataSource, interval: { startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 2) } });
  assert.equal(wholeDay.killed.length, before.filter((record) => !record.used).length - expected.length);
  const after = await env.store.allSegments(dataSource);
  assert.equal(after.length, 1);
  assert.equal(after[0]!.used, true);
});
