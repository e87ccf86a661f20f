// Druid's exactly-once rule for stream publishes, shared by every metadata store: a publish names
// the offsets its rows start at, and only commits if those are exactly the committed offsets.
import { SedimentError } from './errors.js';
import type { StreamOffsets } from './ingestion-metadata-store.js';

/** Throws conflict unless every partition in `start` is uncommitted or committed at exactly `start`. */
export function checkStartOffsets(supervisorId: string, committed: StreamOffsets | null, start: StreamOffsets): void {
  if (committed === null) return;
  for (const [partition, offset] of Object.entries(start)) {
    const current = committed[partition];
    if (current !== undefined && current !== offset) {
      throw new SedimentError(
        'conflict',
        `supervisor ${supervisorId}: publish starts ${partition} at offset ${offset} but ${current} is committed; another task published this range`,
      );
    }
  }
}

/** Committed offsets after a publish: the previous ones with `end` laid over them. */
export function mergeOffsets(committed: StreamOffsets | null, end: StreamOffsets): StreamOffsets {
  return { ...(committed ?? {}), ...end };
}
