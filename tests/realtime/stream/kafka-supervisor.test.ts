// End to end over real kafkajs and the Kafka test broker: produce events across partitions, submit a
// supervisor, query until the count is exactly what was produced, through persists, publishes and
// handoffs to the historical; a restart resumes exactly.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../../cluster/config.js';
import { startAllInOne, type AllInOne } from '../../../cli/all-in-one.js';
import { KafkaTestBroker } from '../../fixtures/kafka/kafka-test-broker.js';
import { connectProducer, event, getJson, postJson, sleep, supervisorSpec, totals, waitUntil } from './stream-test-helpers.js';

let broker: KafkaTestBroker;
const directories: string[] = [];

before(async () => {
  broker = await KafkaTestBroker.start();
});

after(async () => {
  await broker.stop();
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function startServer(dataDir?: string): Promise<{ server: AllInOne; dataDir: string }> {
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), 'sediment-stream-')));
  if (dataDir === undefined) directories.push(directory);
  const config = loadConfig({ env: {}, overrides: { dataDir: directory, port: 0, host: '127.0.0.1' } });
  return { server: await startAllInOne(config, { sample: false }), dataDir: directory };
}

function expectedTotals(from: number, to: number): { count: number; value: number } {
  let value = 0;
  for (let index = from; index < to; index++) value += event(index).value;
  return { count: to - from, value };
}

async function produce(topic: string, from: number, to: number): Promise<void> {
  const producer = await connectProducer(broker);
  for (let start = from; start < to; start += 500) {
    const messages = [];
    for (let index = start; index < Math.min(to, start + 500); index++) messages.push({ key: `k${index}`, value: JSON.stringify(event(index)) });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

test('kafka supervisor: every produced row becomes queryable exactly once, across persists, publishes and handoff', async () => {
  broker.createTopic('clicks', 3);
  const { server, dataDir } = await startServer();
  try {
    await produce('clicks', 0, 3_000);
    const submitted = await postJson(`${server.url}/druid/indexer/v1/supervisor`, supervisorSpec('clicks-supervisor', 'clicks', 'clicks', broker.bootstrapServers));
    assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
    assert.deepEqual(submitted.json, { id: 'clicks-supervisor' });
    await waitUntil(async () => (await totals(server.url, 'clicks')).count === 3_000, 'the first 3000 rows');
    assert.deepEqual(await totals(server.url, 'clicks'), expectedTotals(0, 3_000));

    // More rows while the first ones publish and hand off; the totals never exceed what was produced.
    const producing = produce('clicks', 3_000, 6_000);
    let checks = 0;
    await waitUntil(async () => {
      const current = await totals(server.url, 'clicks');
      assert.ok(current.count <= 6_000, `never double counted (saw ${current.count})`);
      checks++;
      return current.count === 6_000;
    }, 'all 6000 rows');
    await producing;
    assert.deepEqual(await totals(server.url, 'clicks'), expectedTotals(0, 6_000));
    await waitUntil(async () => (await server.store.usedSegments('clicks')).length > 0 && server.realtime.records().length === 0, 'handoff of every published segment');
    assert.deepEqual(await totals(server.url, 'clicks'), expectedTotals(0, 6_000));
    assert.ok(checks > 0);

    const status = await getJson(`${server.url}/druid/indexer/v1/supervisor/clicks-supervisor/status`);
    assert.equal(status.status, 200);
    assert.equal(status.json.payload.dataSource, 'clicks');
    assert.equal(status.json.payload.partitions, 3);
    assert.equal(status.json.payload.state, 'RUNNING');
    assert.equal(status.json.payload.aggregateLag, 0);
    assert.deepEqual(status.json.payload.latestOffsets, { 0: broker.endOffset('clicks', 0), 1: broker.endOffset('clicks', 1), 2: broker.endOffset('clicks', 2) });
    assert.equal(status.json.payload.rowStats.processed, 6_000);
    assert.deepEqual((await getJson(`${server.url}/druid/indexer/v1/supervisor`)).json, ['clicks-supervisor']);
  } finally {
    await server.close();
  }
  // A restart resumes from the committed offsets: nothing lost, nothing read twice.
  const restarted = await startServer(dataDir);
  try {
    await produce('clicks', 6_000, 7_000);
    await waitUntil(async () => (await totals(restarted.server.url, 'clicks')).count === 7_000, 'rows after a restart');
    await sleep(500);
    assert.deepEqual(await totals(restarted.server.url, 'clicks'), expectedTotals(0, 7_000));
  } finally {
    await restarted.server.close();
  }
});
