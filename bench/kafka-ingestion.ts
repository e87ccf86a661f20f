// Kafka-to-queryable benchmark: 10-dimension JSON events through kafkajs, the realtime path and the
// query API of an all-in-one process. The Kafka test broker runs in a child process (this file with
// --broker) so it does not share the ingesting thread.
//   npx tsx bench/kafka-ingestion.ts [events=500000] [latencySeconds=30]
// Prints the ingestion rate (submit → every event counted by a query) and produce-to-queryable
// latency percentiles of probe events sent under background load, across publishes and handoffs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';

const { Kafka, logLevel, Partitioners } = kafkajs;


async function startBroker(): Promise<{ servers: string; stop: () => void }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self, '--broker'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const servers = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /BROKER (\S+)/.exec(chunk.toString());
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error('broker exited')));
  });
  return { servers, stop: () => child.kill('SIGKILL') };
}

const values = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
const dimensions = { country: values('c', 50), device: values('d', 3), browser: values('b', 8), os: values('o', 6), page: values('/p/', 2_000), referrer: values('r', 100), campaign: values('k', 40), city: values('city', 500) };

function eventJson(index: number, timeMs: number, marker: string): string {
  const pick = (list: string[], salt: number): string => list[(index * salt + (index >>> 3)) % list.length]!;
  return JSON.stringify({
    ts: timeMs, country: pick(dimensions.country, 7), device: pick(dimensions.device, 3), browser: pick(dimensions.browser, 5), os: pick(dimensions.os, 11),
    page: pick(dimensions.page, 13), referrer: pick(dimensions.referrer, 17), campaign: pick(dimensions.campaign, 19), city: pick(dimensions.city, 23),
    user_id: `u${index % 100_000}`, marker, latency_ms: index % 1_000, bytes: (index * 31) % 100_000,
  });
}

async function produce(producer: Producer, from: number, count: number, timeMs: () => number): Promise<void> {
  for (let start = from; start < from + count; start += 5_000) {
    const messages = [];
    for (let index = start; index < Math.min(from + count, start + 5_000); index++) messages.push({ value: eventJson(index, timeMs(), 'bulk') });
    await producer.send({ topic: 'bench_events', messages });
  }
}

async function query(url: string, body: unknown): Promise<any> {
  const response = await fetch(`${url}/druid/v2`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.status === 200 ? response.json() : null;
}

async function count(url: string, marker?: string): Promise<number> {
  const result = await query(url, {
    queryType: 'timeseries', dataSource: 'bench_events', granularity: 'all', intervals: ['2000/2100'], aggregations: [{ type: 'longSum', name: 'n', fieldName: 'count' }],
    ...(marker === undefined ? {} : { filter: { type: 'selector', dimension: 'marker', value: marker } }),
  });
  return result?.[0]?.result?.n ?? 0;
}

function supervisorSpec(servers: string): unknown {
  return {
    type: 'kafka',
    spec: {
      dataSchema: {
        dataSource: 'bench_events',
        timestampSpec: { column: 'ts', format: 'millis' },
        dimensionsSpec: { dimensions: ['country', 'device', 'browser', 'os', 'page', 'referrer', 'campaign', 'city', 'user_id', 'marker'] },
        metricsSpec: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'latency_ms', fieldName: 'latency_ms' }, { type: 'longSum', name: 'bytes', fieldName: 'bytes' }],
        granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: false },
      },
      ioConfig: { topic: 'bench_events', inputFormat: { type: 'json' }, consumerProperties: { 'bootstrap.servers': servers }, useEarliestOffset: true, taskCount: 1, taskDuration: 'PT10S' },
      tuningConfig: { maxRowsInMemory: 150_000, intermediatePersistPeriod: 'PT10M' },
    },
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 500_000);
  const latencySeconds = Number(process.argv[3] ?? 30);
  process.env['SEDIMENT_LOG_LEVEL'] = 'silent';
  const { loadConfig } = await import('../cluster/config.js');
  const { startAllInOne } = await import('../cli/all-in-one.js');
  const broker = await startBroker();
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.servers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-kafka-bench-'));
  const server = await startAllInOne(loadConfig({ env: {}, overrides: { dataDir, port: 0, host: '127.0.0.1' } }), { sample: false });
  try {
    const baseMs = Date.now();
    const produceStart = performance.now();
    await produce(producer, 0, events, () => baseMs);
    process.stdout.write(`produced ${events} events in ${((performance.now() - produceStart) / 1000).toFixed(1)} s\n`);
    const submitted = performance.now();
    await fetch(`${server.url}/druid/indexer/v1/supervisor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(supervisorSpec(broker.servers)) });
    const pollMs = Number(process.env["BENCH_POLL_MS"] ?? 100);
    while ((await count(server.url)) < events) await new Promise((resolve) => setTimeout(resolve, pollMs));
    const seconds = (performance.now() - submitted) / 1000;
    process.stdout.write(`ingestion: ${events} events queryable in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s\n`);

    const segmentsBefore = (await server.store.usedSegments('bench_events')).length;
    const latencies: number[] = [];
    let next = events;
    const deadline = performance.now() + latencySeconds * 1000;
    const background = (async () => {
      while (performance.now() < deadline) {
        await produce(producer, next, 500, () => Date.now());
        next += 500;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    for (let probe = 0; performance.now() < deadline; probe++) {
      const marker = `probe-${probe}`;
      const sentMs = performance.now();
      await producer.send({ topic: 'bench_events', messages: [{ value: eventJson(probe, Date.now(), marker) }] });
      while ((await count(server.url, marker)) < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      latencies.push(performance.now() - sentMs);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await background;
    const published = (await server.store.usedSegments('bench_events')).length - segmentsBefore;
    latencies.sort((a, b) => a - b);
    process.stdout.write(`latency over ${latencies.length} probes with ~5000 events/s background load and ${published} segments published and handed off meanwhile: p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms\n`);
  } finally {
    await producer.disconnect();
    await server.close();
    broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--broker')) {
  const { KafkaTestBroker } = await import('../tests/fixtures/kafka/kafka-test-broker.js');
  const broker = await KafkaTestBroker.start();
  broker.createTopic('bench_events', 4);
  process.stdout.write(`BROKER ${broker.bootstrapServers}\n`);
} else {
  await main();
}
