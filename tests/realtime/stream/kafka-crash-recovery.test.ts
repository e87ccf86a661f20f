// Crash recovery: the process running the realtime tasks is SIGKILLed at random moments (while
// indexing, persisting, publishing, handing off) several times while events are produced; after
// recovery the datasource holds exactly the produced rows — count and sum — no more, no fewer.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { KafkaTestBroker } from '../../fixtures/kafka/kafka-test-broker.js';
import { connectProducer, event, postJson, sleep, supervisorSpec, totals, waitUntil } from './stream-test-helpers.js';

const childScript = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './realtime-child-process.ts' : './realtime-child-process.js', import.meta.url));

async function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', childScript, dataDir] : [childScript, dataDir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SEDIMENT_LOG_LEVEL: 'silent' } });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was ready: ${output}`)));
  });
  return { child, url };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

test('crash recovery: SIGKILL at random moments while producing; afterwards count and sum match exactly', { timeout: 150_000 }, async () => {
  const broker = await KafkaTestBroker.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-crash-'));
  const producer = await connectProducer(broker);
  let produced = 0;
  let producedValue = 0;
  const produce = async (count: number): Promise<void> => {
    for (let sent = 0; sent < count; sent += 200) {
      const messages = [];
      for (let index = 0; index < Math.min(200, count - sent); index++) {
        const row = event(produced + index);
        producedValue += row.value;
        messages.push({ key: `k${produced + index}`, value: JSON.stringify(row) });
      }
      await producer.send({ topic: 'crashy', messages });
      produced += messages.length;
      await sleep(20);
    }
  };
  let current: ChildProcess | null = null;
  try {
    broker.createTopic('crashy', 3);
    const spec = supervisorSpec('crashy', 'crashy', 'crashy', broker.bootstrapServers, { ioConfig: { taskDuration: 'PT0.7S' }, tuningConfig: { maxRowsInMemory: 300, intermediatePersistPeriod: 'PT0.3S' } });
    let first = true;
    for (let round = 0; round < 5; round++) {
      const { child, url } = await startChild(dataDir);
      current = child;
      if (first) {
        const submitted = await postJson(`${url}/druid/indexer/v1/supervisor`, spec);
        assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
        first = false;
      }
      const producing = produce(1_000 + Math.floor(Math.random() * 1_000));
      await sleep(300 + Math.random() * 1_700);
      await kill(child);
      await producing;
    }
    const { child, url } = await startChild(dataDir);
    current = child;
    await produce(500);
    await waitUntil(async () => (await totals(url, 'crashy')).count >= produced, `all ${produced} rows`, 60_000);
    await sleep(1_500);
    assert.deepEqual(await totals(url, 'crashy'), { count: produced, value: producedValue });
    const status = await fetch(`${url}/druid/indexer/v1/supervisor/crashy/status`).then((response) => response.json() as Promise<any>);
    assert.equal(status.payload.aggregateLag, 0);
    // Publishes did happen across the crashes (the exactly-once path was exercised, not just re-reading).
    const published = await fetch(`${url}/druid/coordinator/v1/metadata/datasources/crashy/segments`).then((response) => response.json() as Promise<unknown[]>);
    assert.ok(published.length >= 3, `published segments: ${published.length}`);
  } finally {
    if (current !== null) await kill(current);
    await producer.disconnect();
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
