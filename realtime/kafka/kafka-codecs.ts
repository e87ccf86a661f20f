// kafkajs has only gzip built in; Kafka producers commonly use zstd. Registered once per process.
import kafkajs from 'kafkajs';
import { compress, decompress } from 'zstd-napi';

const { CompressionTypes, CompressionCodecs } = kafkajs;

let registered = false;

/** Registers the zstd codec with kafkajs (idempotent). */
export function registerKafkaCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compress(encoder.buffer),
    decompress: async (buffer: Buffer) => decompress(buffer),
  });
}
