import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SedimentError } from '../../cluster/errors.js';
import { S3DeepStorage } from '../../cluster/s3-deep-storage.js';
import type { S3DeepStorageOptions } from '../../cluster/s3-deep-storage.js';
import { startS3 } from '../fixtures/s3-server.js';
import type { S3Server } from '../fixtures/s3-server.js';
import { deepStorageConformance } from './deep-storage-conformance.js';
import type { StorageOptions } from './deep-storage-conformance.js';

const mebibyte = 1024 * 1024;
let server: S3Server | undefined;
let prefixCount = 0;
const opened: S3DeepStorage[] = [];

/** Storage against the test server, with the settings s3rver needs (see the fixture). */
function storage(options: Partial<S3DeepStorageOptions> = {}): S3DeepStorage {
  assert.ok(server !== undefined, 's3rver not started');
  const created = new S3DeepStorage({
    bucket: server.bucket,
    prefix: `run/${++prefixCount}`,
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options,
  });
  opened.push(created);
  return created;
}

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'sediment-s3-test-'));
}

describe('S3DeepStorage', () => {
  before(async () => {
    server = await startS3();
  });
  after(async () => {
    for (const each of opened) each.close();
    await server?.stop();
  });

  deepStorageConformance('S3DeepStorage', async (options?: StorageOptions) => storage(options));

  it('uploads small files in one PUT and large ones in parts', async () => {
    const deep = storage({ multipartThresholdBytes: 5 * mebibyte });
    const work = temporaryDir();
    writeFileSync(join(work, 'small'), randomBytes(5 * mebibyte));
    writeFileSync(join(work, 'large'), randomBytes(20 * mebibyte + 1));
    server!.requestLog.length = 0;
    await deep.push(join(work, 'small'), 'ds/small');
    assert.deepEqual(server!.requestLog.map(requestKind), ['PUT object']);
    server!.requestLog.length = 0;
    await deep.push(join(work, 'large'), 'ds/large');
    // 5 MiB parts: four full ones and a final one of one byte.
    assert.deepEqual(server!.requestLog.map(requestKind).sort(), ['POST complete', 'POST create', 'PUT part', 'PUT part', 'PUT part', 'PUT part', 'PUT part']);
    await deep.pull('ds/large', join(work, 'copy'));
    assert.ok(readFileSync(join(work, 'copy')).equals(readFileSync(join(work, 'large'))));
  });

  it('stores objects under its prefix', async () => {
    const deep = storage({ prefix: '/tenant-a/segments/' });
    const source = join(temporaryDir(), 'source');
    writeFileSync(source, 'x');
    await deep.push(source, 'ds/key');
    const client = new S3Client({
      endpoint: server!.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const head = await client.send(new HeadObjectCommand({ Bucket: server!.bucket, Key: 'tenant-a/segments/ds/key' }));
    assert.equal(head.ContentLength, 1);
    client.destroy();
  });

  it('lists by prefix across pages with continuation tokens, and only its own prefix', async () => {
    const deep = storage({ prefix: 'list', listPageSize: 7 });
    const neighbour = storage({ prefix: 'listing' });
    const source = join(temporaryDir(), 'source');
    writeFileSync(source, 'x');
    const keys: string[] = [];
    for (let dataSource = 0; dataSource < 3; dataSource++) {
      for (let partition = 0; partition < 15; partition++) keys.push(`ds${dataSource}/2024/v1/${partition}/segment.sdm`);
    }
    keys.push('ds1/deep/er/and/deeper/still/segment.sdm');
    await Promise.all(keys.map((key) => deep.push(source, key)));
    await neighbour.push(source, 'ds1/2024/v1/0/segment.sdm');
    server!.requestLog.length = 0;
    const byteOrder = (left: string, right: string): number => Buffer.compare(Buffer.from(left), Buffer.from(right));
    assert.deepEqual(await deep.list(''), [...keys].sort(byteOrder));
    assert.equal(server!.requestLog.filter((line) => line.includes('continuation-token=')).length, 6, '46 keys in pages of 7');
    assert.deepEqual(await deep.list('ds1/'), keys.filter((key) => key.startsWith('ds1/')).sort(byteOrder));
    assert.deepEqual(await deep.list('ds1/deep'), ['ds1/deep/er/and/deeper/still/segment.sdm']);
    assert.deepEqual(await deep.list('nothing'), []);
  });

  it('keeps the previous file when a download is cut short', async () => {
    const truncating = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '100000', 'Content-Type': 'application/octet-stream' });
      response.write(Buffer.alloc(40_000, 7), () => response.socket?.destroy());
    });
    await new Promise<void>((resolve) => truncating.listen(0, '127.0.0.1', resolve));
    const { port } = truncating.address() as AddressInfo;
    const deep = storage({ endpoint: `http://127.0.0.1:${port}` });
    const work = temporaryDir();
    writeFileSync(join(work, 'target'), 'previous');
    await assert.rejects(deep.pull('ds/segment.sdm', join(work, 'target')));
    assert.equal(readFileSync(join(work, 'target'), 'utf8'), 'previous');
    assert.deepEqual(readdirSync(work), ['target']);
    truncating.closeAllConnections();
    await new Promise((resolve) => truncating.close(resolve));
  });

  it('rejects bad options by name', () => {
    const cases: [Partial<S3DeepStorageOptions>, RegExp][] = [
      [{ bucket: '' }, /^bucket:/],
      [{ multipartThresholdBytes: mebibyte }, /^multipartThresholdBytes:/],
      [{ multipartThresholdBytes: 5 * mebibyte + 0.5 }, /^multipartThresholdBytes:/],
      [{ listPageSize: 0 }, /^listPageSize:/],
      [{ listPageSize: 1001 }, /^listPageSize:/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => storage(options), (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && message.test(error.message));
    }
  });
});

/** What an S3 request is, from its method and query string. */
function requestKind(line: string): string {
  const [method = '', url = ''] = line.split(' ');
  const query = new URL(url, 'http://x').searchParams;
  if (query.has('uploads')) return `${method} create`;
  if (query.has('partNumber')) return `${method} part`;
  if (query.has('uploadId')) return `${method} complete`;
  return `${method} object`;
}
