import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import { SegmentCache } from '../../historical/segment-cache.js';
import { SegmentManager } from '../../historical/segment-manager.js';
import { pushSegment } from './segment-file-fixture.js';

const dayMs = 86_400_000;

describe('SegmentManager', () => {
  it('announces loads and drops, and keeps files across close', async () => {
    const storage = new LocalDeepStorage(mkdtempSync(join(tmpdir(), 'sediment-deep-')));
    const cacheDir = mkdtempSync(join(tmpdir(), 'sediment-cache-'));
    const first = await pushSegment(storage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const second = await pushSegment(storage, { startMs: dayMs, endMs: 2 * dayMs, version: 'v1' });
    const manager = new SegmentManager(new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 }));
    const events: string[] = [];
    manager.on('added', (record) => events.push(`added ${record.id}`));
    manager.on('removed', (record) => events.push(`removed ${record.id}`));

    await Promise.all([manager.load(first), manager.load(first), manager.load(second)]);
    assert.deepEqual(events.sort(), [`added ${first.id}`, `added ${second.id}`].sort());
    assert.equal(manager.get(first.id)?.id, first.id);
    assert.deepEqual(manager.served().map(({ record }) => record.id).sort(), [first.id, second.id].sort());

    events.length = 0;
    await Promise.all([manager.drop(first.id), manager.drop('unknown')]);
    assert.deepEqual(events, [`removed ${first.id}`]);
    assert.equal(manager.get(first.id), undefined);

    events.length = 0;
    await manager.close();
    assert.deepEqual(events, [`removed ${second.id}`]);
    assert.deepEqual(manager.served(), []);

    const restarted = new SegmentManager(new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 }));
    assert.deepEqual(restarted.cachedButNotServed(), [second.id]);
    await restarted.load(second);
    assert.deepEqual(restarted.cachedButNotServed(), []);
    await restarted.close();
  });

  it('does not announce a segment whose drop arrived during its load', async () => {
    const storage = new LocalDeepStorage(mkdtempSync(join(tmpdir(), 'sediment-deep-')));
    const record = await pushSegment(storage, { startMs: 0, endMs: dayMs, version: 'v1' });
    const manager = new SegmentManager(new SegmentCache(mkdtempSync(join(tmpdir(), 'sediment-cache-')), storage, { maxSizeBytes: 1e9 }));
    const loading = manager.load(record);
    const dropping = manager.drop(record.id);
    await Promise.all([loading, dropping]);
    assert.deepEqual(manager.served(), []);
    assert.deepEqual(manager.cachedButNotServed(), []);
    await manager.close();
  });
});
