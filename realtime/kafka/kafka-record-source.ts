// The RecordSource over real Kafka with kafkajs. kafkajs only consumes through consumer groups, so
// each task incarnation joins a group of its own (no other member, no rebalances, no waiting for a
// dead predecessor's session), a custom assigner hands it exactly its partitions, and explicit seeks
// start them at the metadata store's offsets. Group offsets are never committed: the metadata store
// is the only record of progress.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, Kafka as KafkaClient, PartitionAssigner } from 'kafkajs';
import { parsePartitionKey, partitionKeyOf, type BatchHandler, type PartitionOffsetRange, type RecordSource, type SourceErrorHandler, type StreamRecord } from '../stream/record-source.js';
import { kafkaClientConfig } from './kafka-client-config.js';
import { registerKafkaCodecs } from './kafka-codecs.js';

const { Kafka, AssignerProtocol } = kafkajs;

export interface KafkaSourceOptions {
  readonly consumerProperties: Readonly<Record<string, string>>;
  /** One topic, or a pattern matched against every topic name. */
  readonly topic: string | null;
  readonly topicPattern: RegExp | null;
  /** Used in the client id and group id, so brokers' logs name the supervisor. */
  readonly name: string;
  /** Long-poll wait of a fetch; bounds produce-to-queryable latency when traffic is light. */
  readonly maxWaitTimeMs?: number;
}

/** Assigns every wanted partition to the group's (single) member. */
function fixedAssigner(wanted: Readonly<Record<string, number[]>>): PartitionAssigner {
  return () => ({
    name: 'SedimentFixedAssigner',
    version: 1,
    async assign({ members }) {
      return members.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: index === 0 ? wanted : {}, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: 'SedimentFixedAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

function toRecords(payload: EachBatchPayload): StreamRecord[] {
  const messages = payload.batch.messages;
  const records = new Array<StreamRecord>(messages.length);
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    records[index] = { offset: Number(message.offset), key: message.key ?? null, value: message.value ?? null, timestampMs: Number(message.timestamp), headers: (message.headers ?? {}) as StreamRecord['headers'] };
  }
  return records;
}

export class KafkaRecordSource implements RecordSource {
  private readonly kafka: KafkaClient;
  private admin: Admin | null = null;
  private consumer: Consumer | null = null;
  private stopped = false;

  constructor(private readonly options: KafkaSourceOptions) {
    registerKafkaCodecs();
    this.kafka = new Kafka(kafkaClientConfig(options.consumerProperties, `sediment-${options.name}`));
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin === null) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async topics(): Promise<string[]> {
    if (this.options.topic !== null) return [this.options.topic];
    const all = await (await this.connectedAdmin()).listTopics();
    return all.filter((name) => this.options.topicPattern!.test(name)).sort();
  }

  async partitions(): Promise<string[]> {
    const topics = await this.topics();
    if (topics.length === 0) return [];
    const metadata = await (await this.connectedAdmin()).fetchTopicMetadata({ topics });
    const keys: string[] = [];
    for (const topic of metadata.topics) for (const partition of topic.partitions) keys.push(partitionKeyOf(topic.name, partition.partitionId));
    return keys.sort((left, right) => left.localeCompare(right, 'en', { numeric: true }));
  }

  async offsetRanges(partitionKeys: readonly string[]): Promise<Map<string, PartitionOffsetRange>> {
    const admin = await this.connectedAdmin();
    const topics = new Set(partitionKeys.map((key) => parsePartitionKey(key).topic));
    const ranges = new Map<string, PartitionOffsetRange>();
    for (const topic of topics) {
      for (const entry of await admin.fetchTopicOffsets(topic)) {
        ranges.set(partitionKeyOf(topic, entry.partition), { earliest: Number(entry.low), latest: Number(entry.high) });
      }
    }
    for (const key of [...ranges.keys()]) if (!partitionKeys.includes(key)) ranges.delete(key);
    return ranges;
  }

  async start(startOffsets: ReadonlyMap<string, number>, onBatch: BatchHandler, onError: SourceErrorHandler): Promise<void> {
    const wanted: Record<string, number[]> = {};
    for (const key of startOffsets.keys()) {
      const { topic, partition } = parsePartitionKey(key);
      (wanted[topic] ??= []).push(partition);
    }
    if (this.stopped) return;
    const consumer = this.kafka.consumer({
      groupId: `sediment-${this.options.name}-${randomBytes(6).toString('hex')}`,
      partitionAssigners: [fixedAssigner(wanted)],
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 250,
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 8 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!this.stopped) onError(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: Object.keys(wanted), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        if (this.stopped || payload.batch.messages.length === 0) return;
        await onBatch({ topic: payload.batch.topic, partition: payload.batch.partition, records: toRecords(payload) });
      },
    });
    for (const [key, offset] of startOffsets) {
      const { topic, partition } = parsePartitionKey(key);
      consumer.seek({ topic, partition, offset: String(offset) });
    }
    if (this.stopped) await consumer.disconnect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    const admin = this.admin;
    this.consumer = null;
    this.admin = null;
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }
}
