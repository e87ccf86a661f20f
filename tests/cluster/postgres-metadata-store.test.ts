import { migrations } from '../../cluster/metadata-schema.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { SedimentError } from '../../cluster/errors.js';
import { createLogger } from '../../cluster/logger.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { PostgresMetadataStore } from '../../cluster/postgres-metadata-store.js';
import { startPostgres } from '../fixtures/postgres-server.js';
import type { PostgresServer } from '../fixtures/postgres-server.js';
import { metadataStoreConformance, seededRandom, sortedLikeStore } from './metadata-store-conformance.js';
import type { StoreLocation } from './metadata-store-conformance.js';
import { segmentRecord } from './segment-record-fixture.js';

const hourMs = 3_600_000;
let server: PostgresServer | undefined;
let databaseCount = 0;

function serverUrl(database: string): string {
  assert.ok(server !== undefined, 'PostgreSQL server not started');
  const url = new URL(server.connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A fresh database whose default collation is ICU en-US (where 'a' < 'B'), so a store that sorted
 * by the database locale instead of by bytes would fail the conformance suite's ordering case.
 */
async function newDatabase(): Promise<string> {
  const name = `sediment_test_${++databaseCount}`;
  const admin = new pg.Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  } finally {
    await admin.end();
  }
  return serverUrl(name);
}

async function newLocation(): Promise<StoreLocation> {
  const connectionString = await newDatabase();
  return { open: () => PostgresMetadataStore.open({ connectionString }) };
}

async function withClient<Result>(connectionString: string, work: (client: pg.Client) => Promise<Result>): Promise<Result> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('PostgresMetadataStore', () => {
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  it('creates test databases that sort by locale, so the byte-order conformance case can fail', async () => {
    const connectionString = await newDatabase();
    const { rows } = await withClient(connectionString, (client) => client.query<{ localeOrder: boolean }>(`SELECT 'a' < 'B' AS "localeOrder"`));
    assert.equal(rows[0]?.localeOrder, true);
  });

  metadataStoreConformance('PostgresMetadataStore', newLocation);

  it('records the schema version once, even when many processes open a new database at once', async () => {
    const connectionString = await newDatabase();
    const stores = await Promise.all(Array.from({ length: 8 }, () => PostgresMetadataStore.open({ connectionString, max: 1 })));
    await Promise.all(stores.map((store) => store.close()));
    const versions = await withClient(connectionString, (client) => client.query('SELECT version FROM schema_migrations ORDER BY version'));
    assert.deepEqual(versions.rows, migrations.map((migration) => ({ version: migration.version })));
    const indexes = await withClient(connectionString, (client) =>
      client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'segments' ORDER BY indexname`),
    );
    assert.deepEqual(indexes.rows.map((row) => row.indexname), [
      'segments_data_source_used_interval',
      'segments_pkey',
      'segments_used_data_source_end',
      'segments_used_status_last_updated',
    ]);
  });

  it('refuses a schema newer than it knows', async () => {
    const connectionString = await newDatabase();
    await (await PostgresMetadataStore.open({ connectionString })).close();
    await withClient(connectionString, (client) =>
      client.query(`INSERT INTO schema_migrations (version, description, applied_ms) VALUES (99, 'future', 0)`),
    );
    await assert.rejects(PostgresMetadataStore.open({ connectionString }), /newer than this Sediment supports/);
  });

  it('lets two processes publish the same segments concurrently without deadlock or duplicates', async () => {
    const connectionString = await newDatabase();
    const [first, second] = await Promise.all([PostgresMetadataStore.open({ connectionString }), PostgresMetadataStore.open({ connectionString })]);
    const segments = Array.from({ length: 3_000 }, (_, index) => segmentRecord({ startMs: index * hourMs, endMs: (index + 1) * hourMs, version: 'v1' }));
    // Opposite input orders: without a common lock order these two transactions would deadlock.
    await Promise.all([first.publishSegments(segments), second.publishSegments([...segments].reverse())]);
    assert.deepEqual(await first.usedSegments(), sortedLikeStore(segments));

    const contested = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
    const results = await Promise.allSettled([
      first.publishSegments([contested]),
      second.publishSegments([{ ...contested, deepStorageKey: 'another/segment.sdm' }]),
    ]);
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    const rejection = results.find((result) => result.status === 'rejected');
    assert.ok(rejection?.reason instanceof SedimentError && rejection.reason.code === 'conflict');
    await Promise.all([first.close(), second.close()]);
  });

  it('survives the server dropping its idle connections', async () => {
    const connectionString = await newDatabase();
    const store = await PostgresMetadataStore.open({ connectionString }, createLogger('test', { SEDIMENT_LOG_LEVEL: 'silent' }));
    await store.publishSegments([segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' })]);
    const database = new URL(connectionString).pathname.slice(1);
    const terminated = await withClient(serverUrl('postgres'), (client) =>
      client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]),
    );
    assert.ok((terminated.rowCount ?? 0) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await store.usedSegments()).length, 1);
    await store.close();
  });

  it('answers the coordinator and broker queries from indexes at 100,000 segments', async (context) => {
    const connectionString = await newDatabase();
    const log: RecordedQuery[] = [];
    const store = await PostgresMetadataStore.open({ connectionString, Client: recordingClient(log) });
    const segments = hundredThousandSegments();
    let startedMs = performance.now();
    for (let start = 0; start < segments.length; start += 20_000) await store.publishSegments(segments.slice(start, start + 20_000));
    context.diagnostic(`publish 100,000 segments in 5 transactions: ${Math.round(performance.now() - startedMs)} ms`);
    const random = seededRandom(17);
    const unused = segments.filter(() => random(10) === 0).map((record) => record.id);
    startedMs = performance.now();
    assert.equal(await store.markUnused(unused), unused.length);
    context.diagnostic(`mark ${unused.length} unused: ${Math.round(performance.now() - startedMs)} ms`);
    const unusedIds = new Set(unused);
    const used = segments.filter((record) => !unusedIds.has(record.id)).map((record) => ({ ...record, used: true }));
    const changeMs = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.markUnused([used[5]!.id]);
    await withClient(connectionString, (client) => client.query('ANALYZE segments'));

    const lastHourMs = Date.UTC(2024, 0, 1) + 4_999 * hourMs;
    const lastDay = { startMs: lastHourMs - 23 * hourMs, endMs: lastHourMs + hourMs };
    const firstDay = { startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 2) };
    const inDataSource = (name: string, interval?: { startMs: number; endMs: number }) =>
      used.filter(
        (record) => record.dataSource === name && record.id !== used[5]!.id &&
          (interval === undefined || (record.interval.startMs < interval.endMs && record.interval.endMs > interval.startMs)),
      );
    const cases: { name: string; run: () => Promise<unknown>; expected: unknown }[] = [
      { name: 'used segments of a datasource', run: () => store.usedSegments('ds07'), expected: sortedLikeStore(inDataSource('ds07')) },
      { name: 'used segments of a datasource, latest day', run: () => store.usedSegments('ds07', lastDay), expected: sortedLikeStore(inDataSource('ds07', lastDay)) },
      { name: 'used segments of a datasource, first day', run: () => store.usedSegments('ds07', firstDay), expected: sortedLikeStore(inDataSource('ds07', firstDay)) },
      { name: 'datasource names', run: () => store.dataSources(), expected: Array.from({ length: 20 }, (_, index) => dataSourceName(index)) },
      { name: 'changed since', run: () => store.segmentsChangedSince(changeMs), expected: [{ ...used[5]!, used: false }] },
      { name: 'segment by id', run: () => store.segment(used[7]!.id), expected: used[7] },
    ];
    const explainer = new pg.Client({ connectionString });
    await explainer.connect();
    try {
      for (const testCase of cases) {
        log.length = 0;
        assert.deepEqual(await testCase.run(), testCase.expected, testCase.name);
        const [query] = log;
        assert.ok(query !== undefined && log.length === 1, `${testCase.name}: one statement`);
        const plan = await explainer.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values);
        const scans = scanNodes(plan.rows[0]?.['QUERY PLAN']);
        assert.ok(scans.length > 0 && scans.every((scan) => scan.index !== undefined), `${testCase.name}: ${JSON.stringify(scans)}`);
        const medianMs = await medianDurationMs(testCase.run);
        context.diagnostic(`${testCase.name}: ${medianMs.toFixed(2)} ms via ${[...new Set(scans.map((scan) => scan.index))].join(', ')}`);
      }
    } finally {
      await explainer.end();
      await store.close();
    }
  });
});

/** 20 datasources × 5,000 hourly segments, interleaved as they would arrive. */
function hundredThousandSegments(): SegmentRecord[] {
  const random = seededRandom(5);
  const segments: SegmentRecord[] = [];
  for (let hour = 0; hour < 5_000; hour++) {
    for (let dataSource = 0; dataSource < 20; dataSource++) {
      const startMs = Date.UTC(2024, 0, 1) + hour * hourMs;
      segments.push(segmentRecord({ dataSource: dataSourceName(dataSource), startMs, endMs: startMs + hourMs, version: '2024-06-01T00:00:00.000Z', rowCount: random(1_000_000) }));
    }
  }
  return segments;
}

function dataSourceName(index: number): string {
  return `ds${String(index).padStart(2, '0')}`;
}

interface RecordedQuery {
  text: string;
  values: unknown[];
}

/** A pg Client that records the statements the store sends, so the test can EXPLAIN exactly them. */
function recordingClient(log: RecordedQuery[]): new () => pg.Client {
  return class RecordingClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super(config);
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      Object.assign(this, {
        query: (...args: unknown[]) => {
          const config = args[0] as { text?: unknown; values?: unknown[] } | undefined;
          if (typeof config?.text === 'string') log.push({ text: config.text, values: config.values ?? [] });
          return query(...args);
        },
      });
    }
  };
}

interface ScanNode {
  type: string;
  index: string | undefined;
}

/** Every node of an EXPLAIN (FORMAT JSON) plan that reads the segments table. */
function scanNodes(plan: unknown): ScanNode[] {
  const found: ScanNode[] = [];
  const visit = (node: Record<string, unknown>): void => {
    const type = String(node['Node Type']);
    if (node['Relation Name'] === 'segments' || type === 'Bitmap Index Scan') {
      found.push({ type, index: typeof node['Index Name'] === 'string' ? node['Index Name'] : undefined });
    }
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  for (const root of plan as { Plan: Record<string, unknown> }[]) visit(root.Plan);
  // A bitmap heap scan reads through the bitmap index scan below it; judge the index scan.
  return found.filter((node) => node.type !== 'Bitmap Heap Scan');
}

async function medianDurationMs(run: () => Promise<unknown>): Promise<number> {
  const durations: number[] = [];
  for (let trial = 0; trial < 7; trial++) {
    const startedMs = performance.now();
    await run();
    durations.push(performance.now() - startedMs);
  }
  return durations.sort((left, right) => left - right)[3]!;
}
