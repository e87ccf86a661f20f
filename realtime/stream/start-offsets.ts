// Where a task starts each partition: the offset the metadata store committed (the source of truth),
// or, for a partition never published, the stream's earliest or latest offset (useEarliestOffset).
// A committed offset the stream no longer holds stops the task: skipping ahead would lose rows.
import type { StreamOffsets } from '../../cluster/ingestion-metadata-store.js';
import { OffsetsUnavailableError } from './offsets-unavailable-error.js';
import type { RecordSource } from './record-source.js';

export async function resolveStartOffsets(
  source: RecordSource,
  partitionKeys: readonly string[],
  committed: StreamOffsets | null,
  useEarliestOffset: boolean,
): Promise<Map<string, number>> {
  const ranges = await source.offsetRanges(partitionKeys);
  const start = new Map<string, number>();
  for (const key of partitionKeys) {
    const range = ranges.get(key);
    if (range === undefined) throw new OffsetsUnavailableError(`partition ${key} does not exist in the stream`);
    const offset = committed?.[key];
    if (offset === undefined) {
      start.set(key, useEarliestOffset ? range.earliest : range.latest);
    } else if (offset < range.earliest) {
      throw new OffsetsUnavailableError(`partition ${key}: committed offset ${offset} is no longer in the stream (earliest is ${range.earliest}; retention deleted it)`);
    } else if (offset > range.latest) {
      throw new OffsetsUnavailableError(`partition ${key}: committed offset ${offset} is past the stream's end ${range.latest} (was the topic recreated?)`);
    } else {
      start.set(key, offset);
    }
  }
  return start;
}
