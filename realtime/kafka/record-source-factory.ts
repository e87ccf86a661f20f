// Picks the RecordSource for a supervisor: Kafka through kafkajs, or an in-process stream when
// `bootstrap.servers` is "in-process" (the quickstart's live feed; no Kafka needed).
import type { InProcessStream } from '../stream/in-process-stream.js';
import type { PartitionOffsetRange, RecordSource } from '../stream/record-source.js';
import type { SourceFactory } from '../stream/supervisor.js';
import { LazyKafkaRecordSource } from './lazy-kafka-record-source.js';

/** The `bootstrap.servers` value that selects an in-process stream, named by the spec's topic. */
export const IN_PROCESS_SERVERS = 'in-process';

/** A source for an in-process topic that does not exist: every call fails with a clear message. */
class MissingStreamSource implements RecordSource {
  constructor(private readonly topic: string) {}
  private fail(): never {
    throw new Error(`no in-process stream named '${this.topic}' in this process`);
  }
  async partitions(): Promise<string[]> {
    return this.fail();
  }
  async offsetRanges(): Promise<Map<string, PartitionOffsetRange>> {
    return this.fail();
  }
  async start(): Promise<void> {
    this.fail();
  }
  async stop(): Promise<void> {}
}

export function recordSourceFactory(inProcessStreams: ReadonlyMap<string, InProcessStream>): SourceFactory {
  return (spec, name) => {
    const { ioConfig } = spec;
    if (ioConfig.consumerProperties['bootstrap.servers'] === IN_PROCESS_SERVERS) {
      const stream = ioConfig.topic === null ? undefined : inProcessStreams.get(ioConfig.topic);
      return stream === undefined ? new MissingStreamSource(ioConfig.topic ?? '(pattern)') : stream.source();
    }
    return new LazyKafkaRecordSource({ consumerProperties: ioConfig.consumerProperties, topic: ioConfig.topic, topicPattern: ioConfig.topicPattern, name });
  };
}
