// The realtime role in a cluster, on real infrastructure: ZooKeeper, PostgreSQL, s3rver and the
// Kafka test broker, with a coordinator+historical process, a broker process and a realtime process.
// One datasource holds batch data in March (on the historical) and streamed events in May (on the
// realtime server until handoff). Checked through the broker:
// - every answer counts the produced events exactly — never more (a realtime piece and the historical
//   copy of its segment read twice) and, once all arrived, never fewer (a gap at handoff);
// - the realtime copy stays queryable after publishing while no historical serves it (rules keep the
//   historical from loading it), and is dropped only once a historical does;
// - interval pruning: a March query sends no sub-query to the realtime server, and a May query none
//   to the historical while May is only on the realtime server (the broker's sub-query counters).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { PostgresMetadataStore } from '../../cluster/postgres-metadata-store.js';
import { S3DeepStorage } from '../../cluster/s3-deep-storage.js';
import { TaskRunner } from '../../realtime/task-runner.js';
import { KafkaTestBroker } from '../fixtures/kafka/kafka-test-broker.js';
import { startPostgres, type PostgresServer } from '../fixtures/postgres-server.js';
import { startS3, type S3Server } from '../fixtures/s3-server.js';
import { startZookeeper, type ZookeeperServer } from '../fixtures/zookeeper-server.js';
import { connectProducer } from '../realtime/stream/stream-test-helpers.js';
import { freePort, startProcess, type ClusterProcess } from './cluster-process.js';

const dataSource = 'live';
const batchRows = 600;
const batchIntervals = ['2024-03-01/2024-03-04'];
const liveIntervals = ['2024-05-01/2024-05-02'];
const allIntervals = ['2024-01-01/2025-01-01'];
const liveStartMs = Date.UTC(2024, 4, 1);

let zookeeper: ZookeeperServer;
let postgres: PostgresServer;
let s3: S3Server;
let kafka: KafkaTestBroker;
let producer: Producer;
let root: string;
const processes: ClusterProcess[] = [];
let urls: { data: string; broker: string; realtime: string };
let serverIds: { historical: string; realtime: string };

/** Deterministic batch rows over three days of March: value = index % 50. */
function batchSpec(): object {
  const data = Array.from({ length: batchRows }, (_, index) => JSON.stringify({ ts: new Date(Date.UTC(2024, 2, 1) + index * 431_000).toISOString(), user: `b${index % 11}`, country: ['US', 'DE'][index % 2], value: index % 50 })).join('\n');
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['user', 'country'] },
        metricsSpec: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'value', fieldName: 'value' }],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: { type: 'index_parallel', inputSource: { type: 'inline', data }, inputFormat: { type: 'json' } },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}

function supervisorSpec(): object {
  return {
    type: 'kafka',
    id: dataSource,
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['user', 'country'] },
        metricsSpec: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'value', fieldName: 'value' }],
        granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: false },
      },
      ioConfig: { type: 'kafka', topic: dataSource, inputFormat: { type: 'json' }, consumerProperties: { 'bootstrap.servers': kafka.bootstrapServers }, useEarliestOffset: true, taskCount: 1, taskDuration: 'PT2S' },
      tuningConfig: { type: 'kafka', maxRowsInMemory: 400, intermediatePersistPeriod: 'PT0.5S' },
    },
  };
}

/** What was produced so far, for exact expectations. */
const produced = { count: 0, value: 0 };

/** Events over the first two hours of May 1st (two hourly segments per task sequence). */
async function produce(events: number): Promise<void> {
  for (let sent = 0; sent < events; sent += 250) {
    const messages = [];
    for (let index = 0; index < Math.min(250, events - sent); index++) {
      const number = produced.count + index;
      const value = (number * 7) % 101;
      messages.push({ key: `k${number}`, value: JSON.stringify({ ts: new Date(liveStartMs + ((number * 7_919) % 7_200_000)).toISOString(), user: `u${number % 37}`, country: ['US', 'DE', 'FR', 'JP'][number % 4], value }) });
      produced.value += value;
    }
    await producer.send({ topic: dataSource, messages });
    produced.count += messages.length;
    await sleep(30);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

/**
 * Count and value sum through the broker; zeros while the datasource is unknown to it. The broker's
 * result cache is on unless `cache` is false (realtime pieces must bypass it: they grow under one id).
 */
async function totals(intervals: readonly string[], cache = true): Promise<{ count: number; value: number }> {
  const { status, json } = await post(`${urls.broker}/druid/v2`, {
    queryType: 'timeseries', dataSource, granularity: 'all', intervals,
    aggregations: [{ type: 'longSum', name: 'count', fieldName: 'count' }, { type: 'longSum', name: 'value', fieldName: 'value' }],
    ...(cache ? {} : { context: { useCache: false, populateCache: false } }),
  });
  if (status === 404) return { count: 0, value: 0 };
  assert.equal(status, 200, JSON.stringify(json));
  const result = (json as { result: { count: number; value: number } }[])[0]?.result;
  return { count: result?.count ?? 0, value: result?.value ?? 0 };
}

/** Totals (cache off) plus how many sub-queries the broker sent to the historical and the realtime server for them. */
async function totalsWithSubQueries(intervals: readonly string[]): Promise<{ count: number; value: number; historical: number; realtime: number }> {
  const counts = async (): Promise<Record<string, number>> => (await getJson(`${urls.broker}/druid-internal/v1/broker/sub-queries`)).sentByServer;
  const before = await counts();
  const answer = await totals(intervals, false);
  const after = await counts();
  const sent = (id: string): number => (after[id] ?? 0) - (before[id] ?? 0);
  return { ...answer, historical: sent(serverIds.historical), realtime: sent(serverIds.realtime) };
}

/** Polls `check` every `pauseMs` (densely during handoffs, to catch a transient gap or double count). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000, pauseMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${processes.map((process) => `--- ${process.name}\n${process.output.join('').slice(-3_000)}`).join('\n')}`);
    await sleep(pauseMs);
  }
}

async function setRules(rules: object[]): Promise<void> {
  const { status, json } = await post(`${urls.data}/druid/coordinator/v1/rules/${dataSource}`, rules);
  assert.equal(status, 200, JSON.stringify(json));
}

/** Every realtime task's published segments are handed off (no sink waits for a historical). */
async function noPendingHandoffs(): Promise<boolean> {
  const status = await getJson(`${urls.realtime}/druid/indexer/v1/supervisor/${dataSource}/status`);
  return (status.payload.activeTasks as { pendingHandoffs: number }[]).every((task) => task.pendingHandoffs === 0);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'sediment-realtime-role-'));
  [zookeeper, postgres, s3, kafka] = await Promise.all([startZookeeper(), startPostgres(), startS3(), KafkaTestBroker.start()]);
  kafka.createTopic(dataSource, 2);
  producer = await connectProducer(kafka);
  const ports = { data: await freePort(), broker: await freePort(), realtime: await freePort() };
  urls = { data: `http://127.0.0.1:${ports.data}`, broker: `http://127.0.0.1:${ports.broker}`, realtime: `http://127.0.0.1:${ports.realtime}` };
  serverIds = { historical: `historical@127.0.0.1:${ports.data}`, realtime: `realtime@127.0.0.1:${ports.realtime}` };
  const shared = {
    metadata: { type: 'postgres', connectionString: postgres.connectionString },
    deepStorage: { type: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', checksumsWhenRequired: true },
    zookeeper: { connectString: zookeeper.connectString, sessionTimeoutMs: 4_000 },
    coordinator: { periodMs: 300 },
  };
  const roles: Record<keyof typeof ports, string[]> = { data: ['coordinator', 'historical'], broker: ['broker'], realtime: ['realtime'] };
  for (const name of ['data', 'broker', 'realtime'] as const) {
    processes.push(startProcess(name, join(root, name), { ...shared, port: ports[name], dataDir: join(root, name), roles: roles[name] }));
  }
  await Promise.all(processes.map((process) => process.ready()));
});

after(async () => {
  await producer?.disconnect();
  for (const process of processes) await process.kill('SIGKILL');
  await kafka?.stop();
  await Promise.all([zookeeper?.stop(), postgres?.stop(), s3?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

test('realtime role: exact counts through publish and handoff, and interval pruning between historicals and realtime', { timeout: 90_000 }, async () => {
  // March stays on the historical; May may not be loaded yet, so its realtime copy must stay served after publish.
  await setRules([{ type: 'loadByInterval', interval: '2024-03-01/2024-04-01', tieredReplicants: { _default_tier: 1 } }, { type: 'dropForever' }]);
  const store = await PostgresMetadataStore.open({ connectionString: postgres.connectionString });
  const deepStorage = new S3DeepStorage({ bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const runner = new TaskRunner({ store, deepStorage, workDir: join(root, 'ingest') });
  const taskId = await runner.submit(batchSpec());
  assert.equal((await runner.waitFor(taskId))?.state, 'SUCCESS');
  const batchValue = Array.from({ length: batchRows }, (_, index) => index % 50).reduce((sum, value) => sum + value, 0);
  await eventually(async () => (await totals(batchIntervals)).count === batchRows, 'the broker to serve the batch data');
  assert.deepEqual(await totals(batchIntervals), { count: batchRows, value: batchValue });

  const submitted = await post(`${urls.realtime}/druid/indexer/v1/supervisor`, supervisorSpec());
  assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
  await produce(3_000);
  let samples = 0;
  await eventually(async () => {
    const seen = await totals(liveIntervals);
    samples++;
    assert.ok(seen.count <= produced.count, `never more than produced: ${seen.count} > ${produced.count}`);
    return seen.count === produced.count;
  }, `all ${produced.count} events through the broker`);
  assert.deepEqual(await totals(liveIntervals), produced);
  process.stdout.write(`# ${produced.count} events queryable through the broker after ${samples} polls\n`);

  // Published (the rows are in the metadata store) but not loaded: still answered by the realtime copy.
  await eventually(async () => (await store.usedSegments(dataSource)).filter((record) => record.interval.startMs >= liveStartMs).reduce((rows, record) => rows + record.info.rowCount, 0) === produced.count, 'every event published');
  const live = await totalsWithSubQueries(liveIntervals);
  assert.deepEqual(live, { ...produced, historical: 0, realtime: 1 }, 'May is only on the realtime server');
  const march = await totalsWithSubQueries(batchIntervals);
  assert.deepEqual(march, { count: batchRows, value: batchValue, historical: 1, realtime: 0 }, 'March never reaches the realtime server');
  const everything = await totalsWithSubQueries(allIntervals);
  assert.deepEqual(everything, { count: batchRows + produced.count, value: batchValue + produced.value, historical: 1, realtime: 1 });

  // Let the historical load May: handoff. Every answer meanwhile is exact.
  await setRules([{ type: 'loadForever', tieredReplicants: { _default_tier: 1 } }]);
  let handoffPolls = 0;
  await eventually(async () => {
    const seen = await totalsWithSubQueries(liveIntervals);
    handoffPolls++;
    assert.deepEqual({ count: seen.count, value: seen.value }, produced, `exact during handoff (poll ${handoffPolls})`);
    return seen.realtime === 0 && (await noPendingHandoffs());
  }, 'the handoff of every published segment', 40_000, 5);
  process.stdout.write(`# handoff observed over ${handoffPolls} exact polls\n`);
  assert.deepEqual(await totalsWithSubQueries(liveIntervals), { ...produced, historical: 1, realtime: 0 }, 'after handoff May is only on the historical');

  // More events with loading allowed: queryable at once, handed off on their own, exact throughout.
  const before = produced.count;
  await produce(1_000);
  let polls = 0;
  let sawRealtime = false;
  let sawAll = false;
  await eventually(async () => {
    const seen = await totalsWithSubQueries(liveIntervals);
    polls++;
    assert.ok(seen.count <= produced.count && seen.count >= before, `between ${before} and ${produced.count}: ${seen.count}`);
    if (sawAll) assert.deepEqual({ count: seen.count, value: seen.value }, produced, `exact once all arrived (poll ${polls})`);
    sawAll = seen.count === produced.count;
    sawRealtime ||= seen.realtime > 0;
    return seen.count === produced.count && seen.value === produced.value && seen.realtime === 0 && (await noPendingHandoffs());
  }, 'the second batch of events handed off', 40_000, 5);
  assert.ok(sawRealtime, 'the second batch was served by the realtime server before its handoff');
  process.stdout.write(`# second batch handed off after ${polls} polls\n`);
  assert.deepEqual(await totals(allIntervals), { count: batchRows + produced.count, value: batchValue + produced.value });
  await store.close();
});
