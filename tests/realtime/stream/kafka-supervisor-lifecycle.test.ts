// The supervisor lifecycle over real kafkajs and the test broker: malformed, late and early messages;
// suspend and resume; offsets deleted by retention stop the task until a reset; compressed batches;
// csv and Druid's kafka input format; bad specs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import { loadConfig } from '../../../cluster/config.js';
import { startAllInOne, type AllInOne } from '../../../cli/all-in-one.js';
import { registerKafkaCodecs } from '../../../realtime/kafka/kafka-codecs.js';
import { KafkaTestBroker } from '../../fixtures/kafka/kafka-test-broker.js';
import { connectProducer, getJson, postJson, sleep, supervisorSpec, totals, waitUntil } from './stream-test-helpers.js';

const { CompressionTypes } = kafkajs;

let broker: KafkaTestBroker;
let server: AllInOne;
let producer: Producer;
let dataDir: string;

before(async () => {
  broker = await KafkaTestBroker.start();
  dataDir = await mkdtemp(join(tmpdir(), 'sediment-lifecycle-'));
  server = await startAllInOne(loadConfig({ env: {}, overrides: { dataDir, port: 0, host: '127.0.0.1' } }), { sample: false });
  producer = await connectProducer(broker);
});

after(async () => {
  await producer.disconnect();
  await server.close();
  await broker.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const supervisorUrl = (id: string, action = ''): string => `${server.url}/druid/indexer/v1/supervisor/${id}${action}`;

async function status(id: string): Promise<any> {
  const response = await getJson(supervisorUrl(id, '/status'));
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.payload;
}

function rows(count: number, from = 0, timeMs = Date.now()): { value: string }[] {
  return Array.from({ length: count }, (_, index) => ({ value: JSON.stringify({ ts: new Date(timeMs).toISOString(), user: `u${(from + index) % 5}`, country: 'US', value: 1 }) }));
}

test('malformed messages are counted as unparseable; late and early ones as thrown away', async () => {
  broker.createTopic('mixed', 1);
  const nowMs = Date.now();
  const messages = [
    ...rows(100),
    ...Array.from({ length: 10 }, (_, index) => ({ value: `{not json ${index}` })),
    ...Array.from({ length: 5 }, () => ({ value: JSON.stringify({ ts: 'yesterday-ish', user: 'x', value: 1 }) })),
    ...rows(7, 0, nowMs - 2 * 86_400_000),
    ...rows(3, 0, nowMs + 3 * 86_400_000),
  ];
  await producer.send({ topic: 'mixed', messages });
  const spec = supervisorSpec('mixed', 'mixed', 'mixed', broker.bootstrapServers, { ioConfig: { taskCount: 1, lateMessageRejectionPeriod: 'PT1H', earlyMessageRejectionPeriod: 'PT1H' }, tuningConfig: { maxSavedParseExceptions: 20 } });
  assert.equal((await postJson(`${server.url}/druid/indexer/v1/supervisor`, spec)).status, 200);
  await waitUntil(async () => (await status('mixed')).rowStats.processed === 100, '100 processed rows');
  const payload = await status('mixed');
  assert.deepEqual(payload.rowStats, { processed: 100, processedWithError: 0, unparseable: 15, thrownAway: 10 });
  assert.ok(payload.parseErrors.some((message: string) => message.includes('Unable to parse row [{not json')), JSON.stringify(payload.parseErrors));
  assert.ok(payload.parseErrors.some((message: string) => message.includes('Timestamp[yesterday-ish] is unparseable')));
  await waitUntil(async () => (await totals(server.url, 'mixed')).count === 100, 'the 100 good rows queryable');
});

test('a suspended supervisor consumes nothing; resume catches up', async () => {
  broker.createTopic('pausable', 2);
  await producer.send({ topic: 'pausable', messages: rows(50) });
  assert.equal((await postJson(`${server.url}/druid/indexer/v1/supervisor`, supervisorSpec('pausable', 'pausable', 'pausable', broker.bootstrapServers))).status, 200);
  await waitUntil(async () => (await totals(server.url, 'pausable')).count === 50, 'first 50 rows');
  const suspended = await postJson(supervisorUrl('pausable', '/suspend'), {});
  assert.equal(suspended.status, 200);
  assert.equal((await status('pausable')).state, 'SUSPENDED');
  await producer.send({ topic: 'pausable', messages: rows(40, 50) });
  await sleep(2_000);
  assert.equal((await totals(server.url, 'pausable')).count, 50);
  assert.deepEqual((await status('pausable')).activeTasks, []);
  assert.equal((await postJson(supervisorUrl('pausable', '/resume'), {})).status, 200);
  await waitUntil(async () => (await totals(server.url, 'pausable')).count === 90, 'the rows produced while suspended');
});

test('offsets deleted by retention stop the task with a clear status; reset recovers from the earliest offset', async () => {
  broker.createTopic('retained', 1);
  await producer.send({ topic: 'retained', messages: rows(100) });
  const spec = supervisorSpec('retained', 'retained', 'retained', broker.bootstrapServers, { ioConfig: { taskCount: 1, taskDuration: 'PT0.5S' } });
  assert.equal((await postJson(`${server.url}/druid/indexer/v1/supervisor`, spec)).status, 200);
  await waitUntil(async () => (await server.store.committedOffsets('retained'))?.['retained:0'] === 100, 'offset 100 committed');
  await postJson(supervisorUrl('retained', '/suspend'), {});
  await producer.send({ topic: 'retained', messages: rows(100, 100) });
  broker.deleteRecordsBefore('retained', 0, 150);
  await postJson(supervisorUrl('retained', '/resume'), {});
  await waitUntil(async () => (await status('retained')).detailedState === 'OFFSETS_UNAVAILABLE', 'the offsets-unavailable state');
  const payload = await status('retained');
  assert.equal(payload.state, 'UNHEALTHY_TASKS');
  assert.equal(payload.healthy, false);
  assert.match(payload.recentErrors.at(-1).message, /offset 100 is no longer in the stream \(earliest is 150; retention deleted it\).*reset/);
  assert.equal((await totals(server.url, 'retained')).count, 100, 'nothing skipped silently');

  const reset = await fetch(supervisorUrl('retained', '/reset'), { method: 'POST', headers: { 'x-druid-author': 'ops@example.com', 'x-druid-comment': 'accept the loss' } });
  assert.equal(reset.status, 200);
  await waitUntil(async () => (await totals(server.url, 'retained')).count === 150, 'the 50 rows still in the stream');
  const audit = await server.store.auditLog('supervisor:retained');
  assert.ok(audit.some((entry) => entry.type === 'reset' && entry.author === 'ops@example.com' && entry.comment === 'accept the loss'), JSON.stringify(audit));
  assert.equal((await status('retained')).state, 'RUNNING');
});

test('gzip and zstd compressed batches are read', async () => {
  registerKafkaCodecs();
  broker.createTopic('squeezed', 1);
  await producer.send({ topic: 'squeezed', compression: CompressionTypes.GZIP, messages: rows(30) });
  await producer.send({ topic: 'squeezed', compression: CompressionTypes.ZSTD, messages: rows(20, 30) });
  assert.equal((await postJson(`${server.url}/druid/indexer/v1/supervisor`, supervisorSpec('squeezed', 'squeezed', 'squeezed', broker.bootstrapServers))).status, 200);
  await waitUntil(async () => (await totals(server.url, 'squeezed')).count === 50, '50 compressed rows');
});

test("Druid's kafka input format adds key, timestamp, topic and headers; csv values", async () => {
  broker.createTopic('framed', 1);
  const produceTimeMs = Date.now();
  await producer.send({
    topic: 'framed',
    messages: [
      { key: 'alpha', value: `${new Date(produceTimeMs).toISOString()},u1,US,5`, headers: { env: 'prod' }, timestamp: String(produceTimeMs) },
      { key: 'beta', value: `${new Date(produceTimeMs).toISOString()},u2,DE,7`, headers: { env: 'test' }, timestamp: String(produceTimeMs) },
    ],
  });
  const spec = supervisorSpec('framed', 'framed', 'framed', broker.bootstrapServers, {
    inputFormat: { type: 'kafka', valueFormat: { type: 'csv', columns: ['ts', 'user', 'country', 'value'] }, keyFormat: { type: 'csv', columns: ['k'] }, headerFormat: { type: 'string' } },
  }) as { spec: { dataSchema: { dimensionsSpec: { dimensions: string[] } } } };
  spec.spec.dataSchema.dimensionsSpec.dimensions = ['user', 'country', 'kafka.key', 'kafka.header.env', 'kafka.topic'];
  assert.equal((await postJson(`${server.url}/druid/indexer/v1/supervisor`, spec)).status, 200);
  await waitUntil(async () => (await totals(server.url, 'framed')).count === 2, 'two rows');
  const scan = await postJson(`${server.url}/druid/v2`, { queryType: 'scan', dataSource: 'framed', intervals: ['2000/2100'], columns: ['kafka.key', 'kafka.header.env', 'kafka.topic', 'value'], resultFormat: 'compactedList', order: 'none' });
  assert.equal(scan.status, 200, JSON.stringify(scan.json));
  const events = scan.json.flatMap((batch: { events: unknown[][] }) => batch.events).sort((a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0])));
  assert.deepEqual(events, [
    ['alpha', 'prod', 'framed', 5],
    ['beta', 'test', 'framed', 7],
  ]);
});

test('bad supervisor specs are rejected naming the field; unknown supervisors are 404', async () => {
  const base = supervisorSpec('bad', 'bad', 'bad', broker.bootstrapServers) as any;
  const cases: [object, RegExp][] = [
    [{ ...base, spec: { ...base.spec, ioConfig: { ...base.spec.ioConfig, consumerProperties: {} } } }, /spec\.ioConfig\.consumerProperties\.bootstrap\.servers/],
    [{ ...base, spec: { ...base.spec, ioConfig: { ...base.spec.ioConfig, topicPattern: 'a.*' } } }, /spec\.ioConfig\.topic: exactly one/],
    [{ ...base, spec: { ...base.spec, ioConfig: { ...base.spec.ioConfig, taskDuration: 'an hour' } } }, /spec\.ioConfig\.taskDuration/],
    [{ ...base, spec: { ...base.spec, tuningConfig: { maxRowsInMemory: -1 } } }, /spec\.tuningConfig\.maxRowsInMemory/],
    [{ ...base, spec: { ...base.spec, ioConfig: { ...base.spec.ioConfig, inputFormat: { type: 'csv' } } } }, /spec\.ioConfig\.inputFormat\.columns/],
    [{ ...base, spec: { ...base.spec, dataSchema: { ...base.spec.dataSchema, dataSource: '' } } }, /spec\.dataSchema\.dataSource/],
    [{ ...base, type: 'rabbitmq' }, /type: unknown supervisor type/],
  ];
  for (const [spec, message] of cases) {
    const response = await postJson(`${server.url}/druid/indexer/v1/supervisor`, spec);
    assert.equal(response.status, 400, JSON.stringify(response.json));
    assert.match(response.json.errorMessage, message);
  }
  assert.equal((await getJson(supervisorUrl('nope', '/status'))).status, 404);
  assert.equal((await postJson(supervisorUrl('nope', '/suspend'), {})).status, 404);
});
