import { migrations } from '../../cluster/metadata-schema.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SedimentError } from '../../cluster/errors.js';
import type { SegmentRecord, TaskRecord } from '../../cluster/metadata-store.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { segmentRecord } from './segment-record-fixture.js';

const hourMs = 3_600_000;

function temporaryDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), 'sediment-metadata-')), 'metadata.sqlite');
}

function ids(records: readonly SegmentRecord[]): string[] {
  return records.map((record) => record.id).sort();
}

function task(id: string, createdMs: number): TaskRecord {
  return {
    id,
    type: 'index_parallel',
    dataSource: 'wikipedia',
    state: 'RUNNING',
    createdMs,
    durationMs: null,
    errorMessage: null,
    spec: { type: 'index_parallel', spec: { dataSchema: { dataSource: 'wikipedia' } } },
    report: null,
  };
}

describe('SqliteMetadataStore', () => {
  it('uses WAL and synchronous=FULL, and records the schema version', async () => {
    const path = temporaryDatabase();
    const store = SqliteMetadataStore.open(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all(), migrations.map((migration) => ({ version: migration.version })));
    db.close();
    const again = SqliteMetadataStore.open(path); // migrations are not re-applied
    await again.close();
  });

  it('refuses a schema newer than it knows', async () => {
    const path = temporaryDatabase();
    await SqliteMetadataStore.open(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, description, applied_ms) VALUES (99, ?, 0)').run('future');
    db.close();
    assert.throws(() => SqliteMetadataStore.open(path), /newer than this Sediment supports/);
  });

  it('publishes and finds everything again after reopening', async () => {
    const path = temporaryDatabase();
    const store = SqliteMetadataStore.open(path);
    const segments = [
      segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' }),
      segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1', partition: 1 }),
      segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' }),
      segmentRecord({ dataSource: 'other', startMs: 0, endMs: hourMs, version: 'v1' }),
    ];
    await store.publishSegments(segments);
    await store.close();
    const reopened = SqliteMetadataStore.open(path);
    const found = await reopened.usedSegments();
    assert.deepEqual(ids(found), ids(segments));
    const byId = new Map(found.map((record) => [record.id, record]));
    for (const segment of segments) assert.deepEqual(byId.get(segment.id), segment);
    assert.deepEqual(await reopened.dataSources(), ['other', 'wikipedia']);
    await reopened.close();
  });

  it('leaves nothing behind when a publish fails', async () => {
    const store = SqliteMetadataStore.open(temporaryDatabase());
    const old = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
    await store.publishSegments([old]);
    const fresh = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
    const clashing = { ...segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' }), deepStorageKey: 'elsewhere/segment.sdm' };
    await assert.rejects(store.publishSegments([fresh, clashing], [old.id]), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, 'conflict');
      return true;
    });
    assert.deepEqual(ids(await store.allSegments('wikipedia')), [old.id]);
    assert.equal((await store.usedSegments('wikipedia'))[0]?.used, true);

    const invalid = { ...segmentRecord({ startMs: 5, endMs: 5, version: 'v3' }) };
    await assert.rejects(store.publishSegments([fresh, invalid], [old.id]), /segments\[1\]\.interval/);
    assert.deepEqual(ids(await store.allSegments('wikipedia')), [old.id]);
    await store.close();
  });

  it('retires overshadowed segments in the same publish; a retried identical publish is a no-op', async () => {
    const store = SqliteMetadataStore.open(temporaryDatabase());
    const old = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
    const fresh = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
    await store.publishSegments([old]);
    await store.publishSegments([fresh], [old.id]);
    await store.publishSegments([fresh], [old.id]);
    assert.deepEqual(ids(await store.usedSegments('wikipedia')), [fresh.id]);
    const all = await store.allSegments('wikipedia');
    assert.deepEqual(all.map((record) => [record.version, record.used]), [['v1', false], ['v2', true]]);
    await store.close();
  });

  it('filters used segments by datasource and interval overlap like a reference filter', async () => {
    const store = SqliteMetadataStore.open(temporaryDatabase());
    const segments: SegmentRecord[] = [];
    let seed = 7;
    const random = (limit: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % limit;
    };
    for (let index = 0; index < 60; index++) {
      const startMs = random(20) * hourMs;
      segments.push(segmentRecord({
        dataSource: random(2) === 0 ? 'a' : 'b',
        startMs,
        endMs: startMs + (1 + random(4)) * hourMs,
        version: `v${index}`,
      }));
    }
    await store.publishSegments(segments);
    const unused = segments.filter((_, index) => index % 5 === 0).map((record) => record.id);
    assert.equal(await store.markUnused([...unused, 'no-such-segment']), unused.length);
    assert.equal(await store.markUnused(unused), 0);
    const used = segments.filter((record) => !unused.includes(record.id));
    for (let trial = 0; trial < 30; trial++) {
      const startMs = random(24) * hourMs + random(2) * 1000;
      const interval = { startMs, endMs: startMs + (1 + random(6)) * hourMs };
      const dataSource = random(3) === 0 ? undefined : random(2) === 0 ? 'a' : 'b';
      const expected = used.filter(
        (record) =>
          (dataSource === undefined || record.dataSource === dataSource) &&
          record.interval.startMs < interval.endMs &&
          record.interval.endMs > interval.startMs,
      );
      assert.deepEqual(ids(await store.usedSegments(dataSource, interval)), ids(expected));
    }
    assert.deepEqual(ids(await store.usedSegments('a')), ids(used.filter((record) => record.dataSource === 'a')));
    assert.deepEqual(ids(await store.usedSegments()), ids(used));
    await store.close();
  });

  it('reports segments whose used status changed since a time', async () => {
    const store = SqliteMetadataStore.open(temporaryDatabase());
    const first = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
    const second = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
    await store.publishSegments([first]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sinceMs = Date.now();
    await store.publishSegments([second]);
    assert.deepEqual(ids(await store.segmentsChangedSince(sinceMs)), [second.id]);
    await store.markUnused([first.id]);
    const changed = await store.segmentsChangedSince(sinceMs);
    assert.deepEqual(changed.map((record) => [record.id, record.used]).sort(), [[first.id, false], [second.id, true]].sort());
    assert.equal((await store.segment(first.id))?.used, false);
    assert.equal(await store.segment('missing'), undefined);
    await store.close();
  });

  it('stores, updates and lists tasks', async () => {
    const path = temporaryDatabase();
    const store = SqliteMetadataStore.open(path);
    await store.insertTask(task('older', 1000));
    await store.insertTask(task('newer', 2000));
    await assert.rejects(store.insertTask(task('older', 3000)), /already exists/);
    await store.updateTask('older', { state: 'FAILED', durationMs: 42, errorMessage: 'boom' });
    await store.updateTask('older', { report: { rowStats: { processed: 3 } } });
    await assert.rejects(store.updateTask('missing', { state: 'SUCCESS' }), /does not exist/);
    await store.close();
    const reopened = SqliteMetadataStore.open(path);
    assert.deepEqual(await reopened.task('older'), {
      ...task('older', 1000),
      state: 'FAILED',
      durationMs: 42,
      errorMessage: 'boom',
      report: { rowStats: { processed: 3 } },
    });
    assert.deepEqual((await reopened.tasks()).map((record) => record.id), ['newer', 'older']);
    assert.equal(await reopened.task('missing'), undefined);
    await reopened.close();
  });

  it('keeps an acknowledged publish when the process is killed right after it', async () => {
    const path = temporaryDatabase();
    // Compiled tests (npm test) run .js beside .js; tsx runs the .ts sources.
    const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const storeModule = fileURLToPath(new URL(`../../cluster/sqlite-metadata-store${extension}`, import.meta.url));
    const fixtureModule = fileURLToPath(new URL(`./segment-record-fixture${extension}`, import.meta.url));
    const script = `
      const { SqliteMetadataStore } = await import(${JSON.stringify(storeModule)});
      const { segmentRecord } = await import(${JSON.stringify(fixtureModule)});
      const store = SqliteMetadataStore.open(${JSON.stringify(path)});
      await store.publishSegments([segmentRecord({ startMs: 0, endMs: 1000, version: 'crash' })]);
      process.kill(process.pid, 'SIGKILL');
    `;
    const loader = extension === '.ts' ? ['--import', 'tsx'] : [];
    assert.throws(
      () => execFileSync(process.execPath, [...loader, '--input-type=module', '-e', script], { stdio: 'pipe' }),
      (error: { signal?: string }) => error.signal === 'SIGKILL',
    );
    const store = SqliteMetadataStore.open(path);
    assert.deepEqual((await store.usedSegments()).map((record) => record.version), ['crash']);
    await store.close();
  });
});
