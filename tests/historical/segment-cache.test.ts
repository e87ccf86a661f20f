import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import { SedimentError } from '../../cluster/errors.js';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { SegmentCache } from '../../historical/segment-cache.js';
import { pushSegment } from './segment-file-fixture.js';

const dayMs = 86_400_000;

/** Deep storage that counts pulls and can corrupt the next few files it hands out. */
class CountingDeepStorage implements DeepStorage {
  pulls = 0;
  corruptNextPulls = 0;
  constructor(private readonly inner: DeepStorage) {}
  push(localPath: string, key: string): Promise<void> {
    return this.inner.push(localPath, key);
  }
  async pull(key: string, localPath: string): Promise<void> {
    this.pulls++;
    await this.inner.pull(key, localPath);
    if (this.corruptNextPulls > 0) {
      this.corruptNextPulls--;
      corruptFile(localPath);
    }
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
}

function corruptFile(path: string): void {
  const bytes = readFileSync(path);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = bytes[middle]! ^ 0xff;
  writeFileSync(path, bytes);
}

function temporaryDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function setUp(): Promise<{ storage: CountingDeepStorage; cacheDir: string; record: SegmentRecord }> {
  const storage = new CountingDeepStorage(new LocalDeepStorage(temporaryDir('sediment-deep-')));
  const record = await pushSegment(storage, { startMs: 0, endMs: dayMs, version: '2024-01-01T00:00:00.000Z', rowCount: 50 });
  return { storage, cacheDir: temporaryDir('sediment-cache-'), record };
}

function isCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof SedimentError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('SegmentCache', () => {
  it('pulls a segment, serves it, and reuses the file after a restart', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    const segment = await cache.load(record);
    assert.equal(segment.id, record.id);
    assert.equal(segment.rowCount, 50);
    assert.equal(segment.time()[49], Math.floor((dayMs * 49) / 50));
    assert.equal(await cache.load(record), segment);
    assert.deepEqual(cache.loaded(), [segment]);
    assert.equal(cache.sizeBytes(), record.sizeBytes);
    assert.equal(storage.pulls, 1);
    await cache.close();

    const restarted = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    assert.deepEqual(restarted.cachedIds(), [record.id]);
    assert.deepEqual(restarted.loaded(), []);
    const again = await restarted.load(record);
    assert.equal(again.rowCount, 50);
    assert.equal(storage.pulls, 1, 'a restart must not download again');
    await restarted.close();
  });

  it('deduplicates concurrent loads of one segment', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    const [first, second] = await Promise.all([cache.load(record), cache.load(record)]);
    assert.equal(first, second);
    assert.equal(storage.pulls, 1);
    await cache.close();
  });

  it('re-pulls a cached file that became corrupt', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    await cache.load(record);
    await cache.close();
    const cachedFile = readdirSync(cacheDir).find((name) => name.endsWith('.sdm'))!;
    corruptFile(join(cacheDir, cachedFile));
    const restarted = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    const segment = await restarted.load(record);
    assert.equal(storage.pulls, 2);
    assert.equal(segment.rowCount, 50);
    await restarted.close();
  });

  it('pulls once more when a download is corrupt, and gives up after the second', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    storage.corruptNextPulls = 1;
    assert.equal((await cache.load(record)).rowCount, 50);
    assert.equal(storage.pulls, 2);
    await cache.drop(record.id);

    storage.corruptNextPulls = 2;
    await assert.rejects(cache.load(record), isCode('corrupt_segment'));
    assert.equal(storage.pulls, 4);
    assert.deepEqual(cache.cachedIds(), []);
    assert.deepEqual(readdirSync(cacheDir).filter((name) => name !== 'manifest.json'), []);
    await cache.close();
  });

  it('refuses to grow past maxSizeBytes', async () => {
    const { storage, cacheDir, record } = await setUp();
    const other = await pushSegment(storage, { startMs: dayMs, endMs: 2 * dayMs, version: '2024-01-01T00:00:00.000Z', rowCount: 50 });
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: record.sizeBytes + other.sizeBytes - 1 });
    await cache.load(record);
    await assert.rejects(cache.load(other), isCode('resource_limit'));
    assert.equal(storage.pulls, 1);
    await cache.drop(record.id);
    assert.equal((await cache.load(other)).id, other.id);
    await cache.close();
  });

  it('drops a segment for good and cleans up files it does not know', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    await cache.load(record);
    await cache.drop(record.id);
    await cache.drop(record.id);
    assert.deepEqual(cache.loaded(), []);
    await cache.close();
    writeFileSync(join(cacheDir, '.download-leftover'), 'partial');
    const restarted = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    assert.deepEqual(restarted.cachedIds(), []);
    assert.deepEqual(readdirSync(cacheDir), ['manifest.json']);
    await restarted.close();
  });

  it('rejects a file that holds a different segment than the record names', async () => {
    const { storage, cacheDir, record } = await setUp();
    const impostor = { ...record, id: `${record.id}_7`, partition: 7 };
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    await assert.rejects(cache.load(impostor), isCode('corrupt_segment'));
    assert.deepEqual(cache.cachedIds(), []);
    await cache.close();
  });

  it('reports a segment missing from deep storage as not_found', async () => {
    const { storage, cacheDir, record } = await setUp();
    const cache = new SegmentCache(cacheDir, storage, { maxSizeBytes: 1e9 });
    await assert.rejects(cache.load({ ...record, deepStorageKey: 'missing/segment.sdm' }), isCode('not_found'));
    assert.deepEqual(readdirSync(cacheDir).filter((name) => name !== 'manifest.json'), []);
    await cache.close();
  });
});
