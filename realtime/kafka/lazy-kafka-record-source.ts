// A KafkaRecordSource loaded on first use: kafkajs (and its codecs) cost ~80 ms of start-up, which a
// process with no Kafka supervisor (the all-in-one quickstart, a historical) should not pay.
import type { KafkaRecordSource, KafkaSourceOptions } from './kafka-record-source.js';
import type { BatchHandler, PartitionOffsetRange, RecordSource, SourceErrorHandler } from '../stream/record-source.js';

export class LazyKafkaRecordSource implements RecordSource {
  private source: Promise<KafkaRecordSource> | null = null;

  constructor(private readonly options: KafkaSourceOptions) {}

  private loaded(): Promise<KafkaRecordSource> {
    this.source ??= import('./kafka-record-source.js').then((module) => new module.KafkaRecordSource(this.options));
    return this.source;
  }

  async partitions(): Promise<string[]> {
    return (await this.loaded()).partitions();
  }

  async offsetRanges(partitionKeys: readonly string[]): Promise<Map<string, PartitionOffsetRange>> {
    return (await this.loaded()).offsetRanges(partitionKeys);
  }

  async start(startOffsets: ReadonlyMap<string, number>, onBatch: BatchHandler, onError: SourceErrorHandler): Promise<void> {
    return (await this.loaded()).start(startOffsets, onBatch, onError);
  }

  async stop(): Promise<void> {
    // Never loaded: nothing was connected.
    if (this.source === null) return;
    return (await this.source).stop();
  }
}
