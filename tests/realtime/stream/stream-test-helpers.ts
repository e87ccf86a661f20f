// Shared pieces of the streaming tests: a kafkajs producer against the test broker, supervisor specs,
// and HTTP helpers against an all-in-one process.
import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import type { KafkaTestBroker } from '../../fixtures/kafka/kafka-test-broker.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

export const dayStartMs = Date.UTC(2024, 4, 1);

export async function connectProducer(broker: KafkaTestBroker): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'test-producer', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 10 } });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/** A deterministic event: time spread over two hours of `dayStartMs`, value = index % 100. */
export function event(index: number): { ts: string; user: string; country: string; value: number } {
  return { ts: new Date(dayStartMs + ((index * 7_919) % 7_200_000)).toISOString(), user: `u${index % 37}`, country: ['US', 'DE', 'FR', 'JP'][index % 4]!, value: index % 100 };
}

export function supervisorSpec(id: string, dataSource: string, topic: string, servers: string, overrides: { ioConfig?: object; tuningConfig?: object; granularitySpec?: object; inputFormat?: object } = {}): object {
  return {
    type: 'kafka',
    id,
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['user', 'country'] },
        metricsSpec: [
          { type: 'count', name: 'count' },
          { type: 'longSum', name: 'value', fieldName: 'value' },
        ],
        granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: false, ...overrides.granularitySpec },
      },
      ioConfig: {
        type: 'kafka',
        topic,
        inputFormat: overrides.inputFormat ?? { type: 'json' },
        consumerProperties: { 'bootstrap.servers': servers },
        useEarliestOffset: true,
        taskCount: 2,
        taskDuration: 'PT2S',
        ...overrides.ioConfig,
      },
      tuningConfig: { type: 'kafka', maxRowsInMemory: 700, maxRowsPerSegment: 100_000, intermediatePersistPeriod: 'PT1S', ...overrides.tuningConfig },
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

export async function getJson(url: string): Promise<{ status: number; json: any }> {
  const response = await fetch(url);
  return { status: response.status, json: await response.json() };
}

/** Count and value sum over everything in the datasource; zeros when it is not queryable yet. */
export async function totals(baseUrl: string, dataSource: string): Promise<{ count: number; value: number }> {
  const { status, json } = await postJson(`${baseUrl}/druid/v2`, {
    queryType: 'timeseries',
    dataSource,
    granularity: 'all',
    intervals: ['2000-01-01/2100-01-01'],
    aggregations: [
      { type: 'longSum', name: 'count', fieldName: 'count' },
      { type: 'longSum', name: 'value', fieldName: 'value' },
    ],
  });
  if (status === 404) return { count: 0, value: 0 };
  if (status !== 200) throw new Error(`query failed: ${status} ${JSON.stringify(json)}`);
  const result = (json as { result: { count: number; value: number } }[])[0]?.result;
  return { count: result?.count ?? 0, value: result?.value ?? 0 };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
