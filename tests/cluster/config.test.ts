import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../cluster/config.js';
import { SedimentError } from '../../cluster/errors.js';

function configFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sediment-config-')), 'sediment.json');
  writeFileSync(file, content);
  return file;
}

function assertInvalid(run: () => unknown, fieldPrefix: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SedimentError);
    assert.equal(error.code, 'invalid_input');
    assert.ok(error.message.startsWith(`${fieldPrefix}:`), error.message);
    return true;
  });
}

describe('loadConfig', () => {
  it('has the documented defaults, with paths derived from dataDir', () => {
    const config = loadConfig({ env: {} });
    assert.deepEqual(config, {
      dataDir: './var',
      port: 8888,
      host: '0.0.0.0',
      metadata: { type: 'sqlite', path: 'var/metadata.sqlite' },
      deepStorage: { type: 'local', dir: 'var/deep-storage' },
      segmentCache: { dir: 'var/segment-cache', maxSizeBytes: 10 * 1024 ** 3, decodedColumnBytes: Math.floor(totalmem() / 4) },
      query: { maxConcurrentQueries: 8, defaultTimeoutMs: 300_000, maxGroups: 500_000 },
      quickstart: { sampleDataSource: true, sampleRows: 1_000_000 },
      roles: [],
      zookeeper: { connectString: '', basePath: '/sediment', sessionTimeoutMs: 30_000 },
      server: { advertisedHost: 'localhost', tier: '_default_tier' },
      coordinator: { periodMs: 5_000, maxLoadsPerRun: 1_000, maxSegmentsToMove: 5, maxLoadQueueLength: 100 },
      broker: { cacheSizeBytes: 64 * 1024 * 1024, subQueryTimeoutMs: 300_000 },
    });
  });

  it('reads cluster settings from the file and the environment, and rejects bad ones', () => {
    const file = configFile(JSON.stringify({ roles: ['historical'], deepStorage: { type: 's3', bucket: 'b', endpoint: 'http://127.0.0.1:1' } }));
    const config = loadConfig({ file, env: { SEDIMENT_ROLES: 'coordinator, broker', SEDIMENT_ZOOKEEPER: '127.0.0.1:2181', SEDIMENT_POSTGRES_URL: 'postgresql://u@h/d', SEDIMENT_TIER: 'hot' } });
    assert.deepEqual(config.roles, ['coordinator', 'broker']);
    assert.equal(config.zookeeper.connectString, '127.0.0.1:2181');
    assert.deepEqual(config.metadata, { type: 'postgres', path: 'var/metadata.sqlite', connectionString: 'postgresql://u@h/d' });
    assert.equal(config.deepStorage.bucket, 'b');
    assert.equal(config.server.tier, 'hot');
    assertInvalid(() => loadConfig({ env: { SEDIMENT_ROLES: 'router' } }), 'roles[0]');
    assertInvalid(() => loadConfig({ env: {}, overrides: { metadata: { type: 'postgres' } } }), 'metadata.connectionString');
    assertInvalid(() => loadConfig({ env: {}, overrides: { deepStorage: { type: 's3' } } }), 'deepStorage.bucket');
    assertInvalid(() => loadConfig({ env: {}, overrides: { zookeeper: { basePath: 'no-slash' } } }), 'zookeeper.basePath');
    assertInvalid(() => loadConfig({ env: {}, overrides: { coordinator: { maxLoadsPerRun: 0 } } }), 'coordinator.maxLoadsPerRun');
  });

  it('layers file < env < overrides, deep-merging sections', () => {
    const file = configFile(JSON.stringify({ dataDir: '/from-file', port: 1000, query: { maxGroups: 7 }, segmentCache: { maxSizeBytes: 5 } }));
    const config = loadConfig({
      file,
      env: { SEDIMENT_PORT: '2000', SEDIMENT_DATA_DIR: '/from-env' },
      overrides: { port: 3000, query: { defaultTimeoutMs: 9 } },
    });
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, '/from-env');
    assert.deepEqual(config.query, { maxConcurrentQueries: 8, defaultTimeoutMs: 9, maxGroups: 7 });
    assert.deepEqual(config.segmentCache, { dir: '/from-env/segment-cache', maxSizeBytes: 5, decodedColumnBytes: Math.floor(totalmem() / 4) });
    assert.equal(config.metadata.path, '/from-env/metadata.sqlite');
  });

  it('keeps explicitly configured paths when dataDir changes', () => {
    const file = configFile(JSON.stringify({ metadata: { type: 'sqlite', path: '/db/meta.sqlite' } }));
    const config = loadConfig({ file, env: {}, overrides: { dataDir: '/data' } });
    assert.equal(config.metadata.path, '/db/meta.sqlite');
    assert.equal(config.deepStorage.dir, '/data/deep-storage');
  });

  it('ignores undefined overrides', () => {
    assert.equal(loadConfig({ env: { SEDIMENT_PORT: '1234' }, overrides: { port: undefined } }).port, 1234);
  });

  it('names the offending key', () => {
    assertInvalid(() => loadConfig({ file: configFile('{"prot": 1}'), env: {} }), 'prot');
    assertInvalid(() => loadConfig({ file: configFile('{"query": {"maxGroup": 1}}'), env: {} }), 'query.maxGroup');
    assertInvalid(() => loadConfig({ file: configFile('{"query": {"maxGroups": -1}}'), env: {} }), 'query.maxGroups');
    assertInvalid(() => loadConfig({ file: configFile('{"port": "80"}'), env: {} }), 'port');
    assertInvalid(() => loadConfig({ file: configFile('{"port": 70000}'), env: {} }), 'port');
    assertInvalid(() => loadConfig({ file: configFile('{"metadata": {"type": "mysql"}}'), env: {} }), 'metadata.type');
    assertInvalid(() => loadConfig({ file: configFile('{"quickstart": {"sampleDataSource": "yes"}}'), env: {} }), 'quickstart.sampleDataSource');
    assertInvalid(() => loadConfig({ file: configFile('{"segmentCache": 5}'), env: {} }), 'segmentCache');
    assertInvalid(() => loadConfig({ env: { SEDIMENT_PORT: 'eighty' } }), 'SEDIMENT_PORT');
  });

  it('rejects a file that is not a JSON object', () => {
    assert.throws(() => loadConfig({ file: configFile('{"port": 1'), env: {} }), /not valid JSON/);
    assert.throws(() => loadConfig({ file: configFile('[1]'), env: {} }), /must hold a JSON object/);
    assert.throws(() => loadConfig({ file: '/nonexistent/sediment.json', env: {} }), /cannot be read/);
  });
});
