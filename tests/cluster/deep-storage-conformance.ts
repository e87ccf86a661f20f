// The behaviour every DeepStorage must share, as one suite run against each implementation
// (local-deep-storage-conformance.test.ts, s3-deep-storage.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import { SedimentError } from '../../cluster/errors.js';
import type { ErrorCode } from '../../cluster/errors.js';

export interface StorageOptions {
  /** Implementations that upload in parts should do so above this size; others ignore it. */
  readonly multipartThresholdBytes?: number;
}

/** A new, empty storage (its own directory, bucket prefix, ...). */
export type NewStorage = (options?: StorageOptions) => Promise<DeepStorage>;

const mebibyte = 1024 * 1024;
const key = 'wikipedia/20240101T000000.000Z_20240102T000000.000Z/2024-05-06T07%3A08%3A09.123Z/0/segment.sdm';

export function deepStorageConformance(name: string, newStorage: NewStorage): void {
  describe(`${name}: deep storage conformance`, () => {
    it('round-trips bytes, into new directories and over existing files', () => roundTrip(newStorage));
    it('overwrites an object pushed again under the same key', () => overwrite(newStorage));
    it('deletes idempotently and leaves other keys alone', () => deleteObjects(newStorage));
    it('reports a missing object or source as not_found and leaves the target alone', () => missing(newStorage));
    it('round-trips a 20 MiB file (in parts where the storage uploads in parts)', () => largeFile(newStorage));
    it('replaces the pulled file atomically: readers see the old bytes or the new, never a mix', () => atomicPull(newStorage));
    it('accepts awkward but valid keys and rejects keys that are not', () => keys(newStorage));
  });
}

async function roundTrip(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const work = temporaryDir();
  const bytes = randomBytes(200_000);
  writeFileSync(join(work, 'source'), bytes);
  assert.equal(await storage.exists(key), false);
  await storage.push(join(work, 'source'), key);
  assert.equal(await storage.exists(key), true);
  await storage.pull(key, join(work, 'new', 'nested', 'copy'));
  assert.deepEqual(readFileSync(join(work, 'new', 'nested', 'copy')), bytes);
  writeFileSync(join(work, 'stale'), 'stale contents that are longer than nothing');
  await storage.pull(key, join(work, 'stale'));
  assert.deepEqual(readFileSync(join(work, 'stale')), bytes);
  writeFileSync(join(work, 'empty'), '');
  await storage.push(join(work, 'empty'), 'ds/empty/segment.sdm');
  await storage.pull('ds/empty/segment.sdm', join(work, 'stale'));
  assert.equal(readFileSync(join(work, 'stale')).length, 0);
  assert.deepEqual(readdirSync(work).sort(), ['empty', 'new', 'source', 'stale']);
}

async function overwrite(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const work = temporaryDir();
  writeFileSync(join(work, 'first'), randomBytes(50_000));
  const second = randomBytes(30_000);
  writeFileSync(join(work, 'second'), second);
  await storage.push(join(work, 'first'), key);
  await storage.push(join(work, 'second'), key);
  await storage.pull(key, join(work, 'copy'));
  assert.deepEqual(readFileSync(join(work, 'copy')), second);
}

async function deleteObjects(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const source = join(temporaryDir(), 'source');
  writeFileSync(source, 'x');
  await storage.push(source, 'ds/a/v1/0/segment.sdm');
  await storage.push(source, 'ds/a/v1/1/segment.sdm');
  await storage.delete('ds/a/v1/0/segment.sdm');
  await storage.delete('ds/a/v1/0/segment.sdm');
  await storage.delete('never/pushed/segment.sdm');
  assert.equal(await storage.exists('ds/a/v1/0/segment.sdm'), false);
  assert.equal(await storage.exists('ds/a/v1/1/segment.sdm'), true);
  await assertRejectsWith(storage.pull('ds/a/v1/0/segment.sdm', join(temporaryDir(), 'out')), 'not_found');
}

async function missing(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const work = temporaryDir();
  writeFileSync(join(work, 'target'), 'precious');
  await assertRejectsWith(storage.pull('missing/segment.sdm', join(work, 'target')), 'not_found');
  assert.equal(readFileSync(join(work, 'target'), 'utf8'), 'precious');
  assert.deepEqual(readdirSync(work), ['target']);
  await assertRejectsWith(storage.push(join(work, 'no-such-file'), 'a/b'), 'not_found');
  assert.equal(await storage.exists('a/b'), false);
}

async function largeFile(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage({ multipartThresholdBytes: 5 * mebibyte });
  const work = temporaryDir();
  const bytes = randomBytes(20 * mebibyte + 12_345);
  writeFileSync(join(work, 'large'), bytes);
  await storage.push(join(work, 'large'), key);
  await storage.pull(key, join(work, 'copy'));
  assert.equal(sha256(readFileSync(join(work, 'copy'))), sha256(bytes));
}

async function atomicPull(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const work = temporaryDir();
  const fresh = randomBytes(20 * mebibyte);
  writeFileSync(join(work, 'source'), fresh);
  await storage.push(join(work, 'source'), key);
  const target = join(work, 'cache', 'segment.sdm');
  const old = randomBytes(3 * mebibyte);
  await storage.pull(key, target); // creates the directory
  writeFileSync(target, old);
  const [oldHash, freshHash] = [sha256(old), sha256(fresh)];
  let pulling = true;
  const seen = new Set<string>();
  const reader = (async () => {
    while (pulling) seen.add(sha256(await readFile(target)));
  })();
  await storage.pull(key, target);
  pulling = false;
  await reader;
  seen.add(sha256(await readFile(target)));
  assert.ok([...seen].every((hash) => hash === oldHash || hash === freshHash), 'a reader saw a partial file');
  assert.ok(seen.has(freshHash));
  assert.deepEqual(readdirSync(join(work, 'cache')), ['segment.sdm']);
}

async function keys(newStorage: NewStorage): Promise<void> {
  const storage = await newStorage();
  const work = temporaryDir();
  writeFileSync(join(work, 'source'), 'awkward');
  for (const awkward of ['a b/c+d/e%2Bf', 'é/ü/日本/segment.sdm', "paren(s)/quote'/tilde~/segment.sdm", '..x/x../.x/segment.sdm']) {
    await storage.push(join(work, 'source'), awkward);
    assert.equal(await storage.exists(awkward), true, awkward);
    await storage.pull(awkward, join(work, 'copy'));
    assert.equal(readFileSync(join(work, 'copy'), 'utf8'), 'awkward');
  }
  assert.equal(await storage.exists('a b/c+d/e+f'), false, "'%2B' and '+' are different keys");
  for (const bad of ['', '/etc/passwd', '../outside', 'a/../../b', 'a//b', './a', 'a/.', 'a\\b', 'C:/x', 'a/\0']) {
    await assertRejectsWith(storage.push(join(work, 'source'), bad), 'invalid_input');
    await assertRejectsWith(storage.pull(bad, join(work, 'copy')), 'invalid_input');
    await assertRejectsWith(storage.exists(bad), 'invalid_input');
    await assertRejectsWith(storage.delete(bad), 'invalid_input');
  }
}

async function assertRejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SedimentError, `expected a SedimentError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'sediment-deep-conformance-'));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
