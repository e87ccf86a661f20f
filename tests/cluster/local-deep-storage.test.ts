import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SedimentError } from '../../cluster/errors.js';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import { deepStorageKeyOf } from '../../cluster/segment-keys.js';

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'sediment-deep-'));
}

describe('LocalDeepStorage', () => {
  it('round-trips a file and overwrites on pull', async () => {
    const work = temporaryDir();
    const root = join(temporaryDir(), 'deep');
    const storage = new LocalDeepStorage(root);
    const bytes = randomBytes(200_000);
    writeFileSync(join(work, 'source'), bytes);
    const key = 'wikipedia/20240101T000000.000Z_20240102T000000.000Z/v1/0/segment.sdm';
    assert.equal(await storage.exists(key), false);
    await storage.push(join(work, 'source'), key);
    assert.equal(await storage.exists(key), true);
    assert.deepEqual(readFileSync(join(root, key)), bytes);
    writeFileSync(join(work, 'copy'), 'stale contents');
    await storage.pull(key, join(work, 'copy'));
    assert.deepEqual(readFileSync(join(work, 'copy')), bytes);
    await storage.pull(key, join(work, 'new', 'nested', 'copy'));
    assert.deepEqual(readFileSync(join(work, 'new', 'nested', 'copy')), bytes);
    assert.deepEqual(readdirSync(join(root, 'wikipedia/20240101T000000.000Z_20240102T000000.000Z/v1/0')), ['segment.sdm']);
  });

  it('deletes idempotently and prunes the empty directories', async () => {
    const work = temporaryDir();
    const root = temporaryDir();
    const storage = new LocalDeepStorage(root);
    writeFileSync(join(work, 'source'), 'x');
    await storage.push(join(work, 'source'), 'ds/a/v1/0/segment.sdm');
    await storage.push(join(work, 'source'), 'ds/a/v1/1/segment.sdm');
    await storage.delete('ds/a/v1/0/segment.sdm');
    await storage.delete('ds/a/v1/0/segment.sdm');
    assert.equal(await storage.exists('ds/a/v1/0/segment.sdm'), false);
    assert.equal(existsSync(join(root, 'ds/a/v1/0')), false);
    assert.equal(await storage.exists('ds/a/v1/1/segment.sdm'), true);
    await storage.delete('ds/a/v1/1/segment.sdm');
    assert.deepEqual(readdirSync(root), []);
  });

  it('reports a missing object as not_found', async () => {
    const storage = new LocalDeepStorage(temporaryDir());
    await assert.rejects(storage.pull('missing/segment.sdm', join(temporaryDir(), 'out')), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, 'not_found');
      return true;
    });
    await assert.rejects(storage.push(join(temporaryDir(), 'no-such-file'), 'a/b'), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, 'not_found');
      return true;
    });
  });

  it('rejects keys that could escape the root', async () => {
    const storage = new LocalDeepStorage(temporaryDir());
    const source = join(temporaryDir(), 'source');
    writeFileSync(source, 'x');
    for (const key of ['', '/etc/passwd', '../outside', 'a/../../b', 'a//b', './a', 'a/.', 'a\\b', 'C:/x', 'a/\0']) {
      await assert.rejects(storage.push(source, key), (error: unknown) => {
        assert.ok(error instanceof SedimentError, `key ${JSON.stringify(key)}`);
        assert.equal(error.code, 'invalid_input');
        return true;
      });
      await assert.rejects(storage.exists(key), SedimentError);
      await assert.rejects(storage.delete(key), SedimentError);
    }
  });

  it('accepts the keys deepStorageKeyOf makes, even from awkward names', async () => {
    const root = temporaryDir();
    const storage = new LocalDeepStorage(root);
    const source = join(temporaryDir(), 'source');
    writeFileSync(source, 'x');
    const key = deepStorageKeyOf({
      dataSource: '../we/ird: name',
      interval: { startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 2) },
      version: '2024-05-06T07:08:09.123Z',
      partition: 3,
    });
    assert.equal(key, '%2E%2E%2Fwe%2Fird%3A%20name/20240101T000000.000Z_20240102T000000.000Z/2024-05-06T07%3A08%3A09.123Z/3/segment.sdm');
    await storage.push(source, key);
    assert.equal(await storage.exists(key), true);
  });
});
