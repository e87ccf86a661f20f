import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { Coordinator } from '../../coordinator/coordinator.js';
import { SegmentCache } from '../../historical/segment-cache.js';
import { SegmentManager } from '../../historical/segment-manager.js';
import { pushSegment } from '../historical/segment-file-fixture.js';

const dayMs = 86_400_000;

function collectingLog() {
  const lines: { level: string; message: string }[] = [];
  const record = (level: string) => (_object: unknown, message?: string) => {
    lines.push({ level, message: message ?? '' });
  };
  return { lines, log: { info: record('info'), warn: record('warn'), error: record('error') } as never };
}

function setUp(options: { maxLoadsPerRun?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'sediment-coordinator-'));
  const store = SqliteMetadataStore.open(join(root, 'metadata.sqlite'));
  const deepStorage = new LocalDeepStorage(join(root, 'deep-storage'));
  const cacheDir = join(root, 'segment-cache');
  const historical = new SegmentManager(new SegmentCache(cacheDir, deepStorage, { maxSizeBytes: 1e9 }));
  const { lines, log } = collectingLog();
  const coordinator = new Coordinator(store, [historical], { periodMs: 10, maxLoadsPerRun: options.maxLoadsPerRun ?? 100, log });
  return { store, deepStorage, cacheDir, historical, coordinator, lines, log };
}

function servedIds(historical: SegmentManager): string[] {
  return historical.served().map(({ record }) => record.id).sort();
}

describe('Coordinator', () => {
  it('loads used segments, retires overshadowed ones once their replacement is served, drops unused ones', async () => {
    const { store, deepStorage, historical, coordinator } = setUp();
    const day0 = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const day1 = await pushSegment(deepStorage, { startMs: dayMs, endMs: 2 * dayMs, version: 'v1' });
    const day2 = await pushSegment(deepStorage, { startMs: 2 * dayMs, endMs: 3 * dayMs, version: 'v1' });
    await store.publishSegments([day0, day1, day2]);
    assert.deepEqual(await coordinator.runOnce(), { loaded: 3, dropped: 0, markedUnused: 0 });
    assert.deepEqual(servedIds(historical), [day0.id, day1.id, day2.id].sort());
    assert.deepEqual(await coordinator.runOnce(), { loaded: 0, dropped: 0, markedUnused: 0 });

    const day0v2 = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v2' });
    const halfDay1v2 = await pushSegment(deepStorage, { startMs: dayMs, endMs: 1.5 * dayMs, version: 'v2' });
    await store.publishSegments([day0v2, halfDay1v2]);
    assert.deepEqual(await coordinator.runOnce(), { loaded: 2, dropped: 1, markedUnused: 1 });
    assert.deepEqual(servedIds(historical), [day0v2.id, day1.id, halfDay1v2.id, day2.id].sort());
    assert.deepEqual((await store.usedSegments()).map((record) => record.id).sort(), servedIds(historical));

    await store.markUnused([day2.id]);
    assert.deepEqual(await coordinator.runOnce(), { loaded: 0, dropped: 1, markedUnused: 0 });
    assert.deepEqual(servedIds(historical), [day0v2.id, day1.id, halfDay1v2.id].sort());
    await historical.close();
    await store.close();
  });

  it('does not download a segment that used higher versions already hide', async () => {
    const { store, deepStorage, historical, coordinator } = setUp();
    const old = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const replacement = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v2' });
    await store.publishSegments([old, replacement]);
    assert.deepEqual(await coordinator.runOnce(), { loaded: 1, dropped: 0, markedUnused: 1 });
    assert.deepEqual(servedIds(historical), [replacement.id]);
    await historical.close();
    await store.close();
  });

  it('bounds loads per run, newest intervals first', async () => {
    const { store, deepStorage, historical, coordinator } = setUp({ maxLoadsPerRun: 2 });
    const records = [];
    for (let day = 0; day < 5; day++) records.push(await pushSegment(deepStorage, { startMs: day * dayMs, endMs: (day + 1) * dayMs, version: 'v1' }));
    await store.publishSegments(records);
    assert.equal((await coordinator.runOnce()).loaded, 2);
    assert.deepEqual(servedIds(historical), [records[3]!.id, records[4]!.id].sort());
    assert.equal((await coordinator.runOnce()).loaded, 2);
    assert.equal((await coordinator.runOnce()).loaded, 1);
    assert.equal(servedIds(historical).length, 5);
    await historical.close();
    await store.close();
  });

  it('logs a failing load and carries on with the others', async () => {
    const { store, deepStorage, historical, coordinator, lines } = setUp();
    const good = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const lost = await pushSegment(deepStorage, { startMs: dayMs, endMs: 2 * dayMs, version: 'v1' });
    await deepStorage.delete(lost.deepStorageKey);
    await store.publishSegments([good, lost]);
    assert.deepEqual(await coordinator.runOnce(), { loaded: 1, dropped: 0, markedUnused: 0 });
    assert.deepEqual(servedIds(historical), [good.id]);
    assert.ok(lines.some((line) => line.level === 'warn' && line.message.includes('segment load failed')));
    await historical.close();
    await store.close();
  });

  it('survives a metadata store failure', async () => {
    const { historical, lines, log } = setUp();
    const broken = { usedSegments: () => Promise.reject(new Error('database is locked')) } as unknown as MetadataStore;
    const coordinator = new Coordinator(broken, [historical], { periodMs: 10, maxLoadsPerRun: 10, log });
    assert.deepEqual(await coordinator.runOnce(), { loaded: 0, dropped: 0, markedUnused: 0 });
    assert.ok(lines.some((line) => line.level === 'error'));
    await historical.close();
  });

  it('after a restart, reuses cached files and deletes those no longer used', async () => {
    const { store, deepStorage, cacheDir, historical, coordinator, log } = setUp();
    const kept = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const retired = await pushSegment(deepStorage, { startMs: dayMs, endMs: 2 * dayMs, version: 'v1' });
    await store.publishSegments([kept, retired]);
    await coordinator.runOnce();
    await historical.close();
    await store.markUnused([retired.id]);

    const restarted = new SegmentManager(new SegmentCache(cacheDir, deepStorage, { maxSizeBytes: 1e9 }));
    assert.deepEqual(restarted.cachedButNotServed().sort(), [kept.id, retired.id].sort());
    await deepStorage.delete(kept.deepStorageKey); // proves the load comes from the cache
    const again = new Coordinator(store, [restarted], { periodMs: 10, maxLoadsPerRun: 10, log });
    assert.deepEqual(await again.runOnce(), { loaded: 1, dropped: 1, markedUnused: 0 });
    assert.deepEqual(servedIds(restarted), [kept.id]);
    assert.deepEqual(restarted.cachedButNotServed(), []);
    await restarted.close();
    await store.close();
  });

  it('runs periodically once started, until stopped', async () => {
    const { store, deepStorage, historical, coordinator } = setUp();
    coordinator.start();
    const record = await pushSegment(deepStorage, { startMs: 0, endMs: dayMs, version: 'v1' });
    await store.publishSegments([record]);
    const deadline = Date.now() + 5_000;
    while (historical.served().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    coordinator.stop();
    assert.deepEqual(servedIds(historical), [record.id]);
    await coordinator.runOnce();
    await historical.close();
    await store.close();
  });
});
