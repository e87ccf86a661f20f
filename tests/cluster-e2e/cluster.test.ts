// The cluster end to end, on real infrastructure: ZooKeeper, PostgreSQL and s3rver, with a
// coordinator, three historicals and a broker as child processes. Data is ingested into the shared
// PostgreSQL + S3 by the batch path (TaskRunner), then every answer through the broker is compared
// with the all-in-one process's answer on the same data — after load, with a historical SIGKILLed
// (replication 2), after ZooKeeper restarts with its data wiped, and after the whole cluster restarts
// (which must download nothing).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../cluster/config.js';
import { PostgresMetadataStore } from '../../cluster/postgres-metadata-store.js';
import { S3DeepStorage } from '../../cluster/s3-deep-storage.js';
import { startAllInOne, type AllInOne } from '../../cli/all-in-one.js';
import { TaskRunner } from '../../realtime/task-runner.js';
import { startPostgres, type PostgresServer } from '../fixtures/postgres-server.js';
import { startS3, type S3Server } from '../fixtures/s3-server.js';
import { startZookeeper, type ZookeeperServer } from '../fixtures/zookeeper-server.js';
import { freePort, startProcess, type ClusterProcess } from './cluster-process.js';

const dataSource = 'events';
const dayMs = 86_400_000;
const firstDayMs = Date.UTC(2024, 2, 1);
const days = 4;

function rows(): object[] {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pages = ['Home', 'About', 'Blog', 'Docs', 'Pricing', 'Careers'];
  const countries = ['US', 'DE', 'FR', 'JP', null];
  return Array.from({ length: 2_000 }, (_, index) => ({
    ts: new Date(firstDayMs + Math.floor(random() * days * dayMs)).toISOString(),
    page: pages[Math.floor(random() * pages.length)],
    country: countries[Math.floor(random() * countries.length)],
    user: `user-${Math.floor(random() * 300)}`,
    added: Math.floor(random() * 1000) - 100,
    price: index % 7 === 0 ? null : Math.round(random() * 10_000) / 100,
  }));
}

function spec(): object {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['page', 'country', 'user'] },
        metricsSpec: [
          { type: 'count', name: 'count' },
          { type: 'longSum', name: 'added', fieldName: 'added' },
          { type: 'doubleSum', name: 'price', fieldName: 'price' },
        ],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: { type: 'index_parallel', inputSource: { type: 'inline', data: rows().map((row) => JSON.stringify(row)).join('\n') }, inputFormat: { type: 'json' } },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}

const intervals = ['2024-01-01/2025-01-01'];
const queries: object[] = [
  { queryType: 'timeseries', dataSource, granularity: 'day', intervals, aggregations: [{ type: 'count', name: 'rows' }, { type: 'longSum', name: 'added', fieldName: 'added' }, { type: 'doubleSum', name: 'price', fieldName: 'price' }] },
  { queryType: 'topN', dataSource, dimension: 'page', metric: 'added', threshold: 3, granularity: 'all', intervals, aggregations: [{ type: 'longSum', name: 'added', fieldName: 'added' }] },
  {
    queryType: 'groupBy', dataSource, dimensions: ['country', 'page'], granularity: 'all', intervals: ['2024-03-01T12:00:00Z/2024-03-03T12:00:00Z'],
    aggregations: [{ type: 'count', name: 'rows' }, { type: 'cardinality', name: 'users', fields: ['user'] }, { type: 'doubleMax', name: 'maxPrice', fieldName: 'price' }],
    filter: { type: 'not', field: { type: 'selector', dimension: 'page', value: 'Blog' } },
  },
  { queryType: 'scan', dataSource, intervals, columns: ['__time', 'page', 'added'], order: 'ascending', limit: 7 },
  { queryType: 'search', dataSource, intervals, granularity: 'all', searchDimensions: ['page'], query: { type: 'contains', value: 'o' } },
  { queryType: 'timeBoundary', dataSource },
];

async function query(url: string, body: object): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}/druid/v2`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  return response.json();
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<number> {
  const startedMs = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - startedMs > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - startedMs;
}

/** Median time of the same groupBy through the cluster broker over the all-in-one. */
async function overheadRatio(): Promise<number> {
  const body = { ...queries[2]!, context: { useCache: false, populateCache: false } };
  const median = async (url: string): Promise<number> => {
    const times: number[] = [];
    for (let run = 0; run < 30; run++) {
      const startedMs = performance.now();
      await query(url, body);
      times.push(performance.now() - startedMs);
    }
    return times.sort((a, b) => a - b)[15]!;
  };
  const allInOneMs = await median(reference.url);
  const clusterMs = await median(`http://127.0.0.1:${ports['broker']}`);
  process.stdout.write(`# groupBy median: all-in-one ${allInOneMs.toFixed(2)} ms, cluster broker ${clusterMs.toFixed(2)} ms\n`);
  return clusterMs / allInOneMs;
}

let zookeeper: ZookeeperServer;
let postgres: PostgresServer;
let s3: S3Server;
let reference: AllInOne;
const expected: unknown[] = [];
let root: string;
let ports: Record<string, number>;
const running = new Map<string, ClusterProcess>();

function roleConfig(name: string): Record<string, unknown> & { port: number } {
  const role = name.startsWith('historical') ? 'historical' : name;
  return {
    port: ports[name]!,
    dataDir: join(root, name),
    roles: [role],
    metadata: { type: 'postgres', connectionString: postgres.connectionString },
    deepStorage: { type: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', checksumsWhenRequired: true },
    zookeeper: { connectString: zookeeper.connectString, sessionTimeoutMs: 4_000 },
    coordinator: { periodMs: 300 },
  };
}

async function start(names: readonly string[]): Promise<void> {
  for (const name of names) running.set(name, startProcess(name, join(root, name), roleConfig(name)));
  await Promise.all(names.map((name) => running.get(name)!.ready()));
}

async function stop(name: string, signal: NodeJS.Signals): Promise<void> {
  await running.get(name)?.kill(signal);
  running.delete(name);
}

/** Every segment served by exactly `replicas` historicals among the live ones. */
async function replicated(replicas: number, segmentCount: number): Promise<boolean> {
  const servers = (await getJson(`http://127.0.0.1:${ports['coordinator']}/druid/coordinator/v1/servers?full`)) as { segments: Record<string, unknown> }[];
  const counts = new Map<string, number>();
  for (const server of servers) for (const id of Object.keys(server.segments)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts.size === segmentCount && [...counts.values()].every((count) => count === replicas);
}

/** Segment ids differ between the two ingestions only by version: compare without it. */
function withoutVersions(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json).replace(/"segmentId":"([^"_]+_[^_]+_[^_]+)_[^"]+"/g, '"segmentId":"$1"'));
}

async function assertAnswersMatch(when: string): Promise<void> {
  const broker = `http://127.0.0.1:${ports['broker']}`;
  for (const [index, body] of queries.entries()) {
    const { status, json } = await query(broker, body);
    assert.equal(status, 200, `${when}: query ${index} failed: ${JSON.stringify(json)}`);
    assert.deepEqual(withoutVersions(json), withoutVersions(expected[index]), `${when}: query ${index} (${(body as { queryType: string }).queryType}) differs from the all-in-one`);
  }
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'sediment-cluster-'));
  [zookeeper, postgres, s3] = await Promise.all([startZookeeper(), startPostgres(), startS3()]);
  ports = {};
  for (const name of ['coordinator', 'broker', 'historical-1', 'historical-2', 'historical-3']) ports[name] = await freePort();
  const config = loadConfig({ env: {}, overrides: { dataDir: join(root, 'all-in-one'), port: 0, host: '127.0.0.1' } });
  reference = await startAllInOne(config, { sample: false });
  const taskId = await reference.tasks.submit(spec());
  assert.equal((await reference.tasks.waitFor(taskId))?.state, 'SUCCESS');
  for (const body of queries) {
    const { status, json } = await query(reference.url, body);
    assert.equal(status, 200, JSON.stringify(json));
    expected.push(json);
  }
});

after(async () => {
  for (const name of [...running.keys()]) await stop(name, 'SIGKILL');
  await reference?.close();
  await Promise.all([zookeeper?.stop(), postgres?.stop(), s3?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

test('a cluster loads published segments with replication 2 and answers like the all-in-one', async () => {
  await start(['coordinator', 'broker', 'historical-1', 'historical-2', 'historical-3']);
  const store = await PostgresMetadataStore.open({ connectionString: postgres.connectionString });
  const deepStorage = new S3DeepStorage({ bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const runner = new TaskRunner({ store, deepStorage, workDir: join(root, 'ingest') });
  const taskId = await runner.submit(spec());
  assert.equal((await runner.waitFor(taskId))?.state, 'SUCCESS');
  const publishedMs = Date.now();
  const broker = `http://127.0.0.1:${ports['broker']}`;
  await eventually(async () => JSON.stringify((await query(broker, queries[0]!)).json) === JSON.stringify(expected[0]), 'the broker to serve the data');
  process.stdout.write(`# publish-to-served latency: ${Date.now() - publishedMs} ms\n`);
  await eventually(() => replicated(2, days), 'two replicas of every segment');
  const coordinator = `http://127.0.0.1:${ports['coordinator']}/druid/coordinator/v1`;
  assert.deepEqual(await getJson(`${coordinator}/loadstatus`), { [dataSource]: 100 });
  assert.deepEqual(await getJson(`${coordinator}/rules/${dataSource}?full`), [{ type: 'loadForever', tieredReplicants: { _default_tier: 2 } }]);
  const simpleServers = (await getJson(`${coordinator}/servers?simple`)) as { tier: string; currSize: number }[];
  assert.equal(simpleServers.length, 3);
  assert.ok(simpleServers.every((server) => server.tier === '_default_tier'));
  await assertAnswersMatch('after load');
  await assertAnswersMatch('from the segment cache');
  process.stdout.write(`# broker overhead (cluster broker / all-in-one, groupBy, cache off): ${(await overheadRatio()).toFixed(2)}\n`);
  await store.close();
});

test('a SIGKILLed historical: queries stay correct and its segments are re-replicated', async () => {
  await stop('historical-1', 'SIGKILL');
  await assertAnswersMatch('right after the kill');
  const coordinator = `http://127.0.0.1:${ports['coordinator']}/druid/coordinator/v1`;
  await eventually(async () => (await getJson(`${coordinator}/servers`)).length === 2, 'the coordinator to see the historical gone');
  const seconds = (await eventually(() => replicated(2, days), 're-replication on the two survivors')) / 1000;
  process.stdout.write(`# re-replicated after ${seconds} s\n`);
  await assertAnswersMatch('after re-replication');
});

test('ZooKeeper restarted with its data wiped: servers reconnect and announce again', async () => {
  await zookeeper.restart({ wipe: true, downMs: 500 });
  await eventually(() => replicated(2, days), 'the reannouncement', 90_000);
  await eventually(async () => JSON.stringify((await query(`http://127.0.0.1:${ports['broker']}`, queries[0]!)).json) === JSON.stringify(expected[0]), 'the broker to see the segments again');
  await assertAnswersMatch('after the ZooKeeper restart');
});

test('the whole cluster restarted serves everything again without downloading', async () => {
  for (const name of [...running.keys()]) await stop(name, 'SIGTERM');
  s3.requestLog.length = 0;
  await start(['coordinator', 'broker', 'historical-2', 'historical-3']);
  await eventually(() => replicated(2, days), 'the cached segments to be announced again');
  await assertAnswersMatch('after the cluster restart');
  assert.deepEqual(s3.requestLog.filter((line) => line.startsWith('GET')), [], 'no segment was downloaded again');
});
