// Kill: permanently delete unused segments — the file in deep storage first, then the metadata
// record — so a crash between the two leaves a record whose file is gone (harmless, since nothing
// loads an unused segment, and the next kill removes it) rather than an unreachable orphan file.
// A used segment is never touched: candidates are re-read right before deleting, the metadata store
// refuses to delete a used record, and a file still referenced by a used record is kept.
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';

export type KillStore = MetadataStore &
  Pick<IngestionMetadataStore, 'deleteUnusedSegments'> & {
    /** Segments whose used status changed at or after `sinceMs` (present on the SQL stores). */
    segmentsChangedSince?(sinceMs: number): Promise<SegmentRecord[]>;
  };

export interface KillRequest {
  readonly dataSource: string;
  /** Only segments wholly inside it; all of the datasource's when absent. */
  readonly interval?: TimeInterval;
  /** Only segments whose interval ended before this instant (Druid's durationToRetain). */
  readonly endedBeforeMs?: number;
  /** Only segments marked unused before this instant (Druid's bufferPeriod); needs segmentsChangedSince. */
  readonly unusedBeforeMs?: number;
  /** At most this many per call. */
  readonly limit?: number;
}

export interface KillResult {
  readonly killed: readonly string[];
  /** Files kept because a used segment still points at them. */
  readonly filesKept: number;
}

export async function killUnusedSegments(store: KillStore, deepStorage: DeepStorage, request: KillRequest): Promise<KillResult> {
  const candidates = await candidatesOf(store, request);
  if (candidates.length === 0) return { killed: [], filesKept: 0 };
  const usedKeys = new Set((await store.usedSegments(request.dataSource)).map((record) => record.deepStorageKey));
  const killed: string[] = [];
  let filesKept = 0;
  for (const record of candidates) {
    if (usedKeys.has(record.deepStorageKey)) filesKept++;
    else await deepStorage.delete(record.deepStorageKey);
    // One record per call: a refusal (it became used) must not block the others.
    const deleted = await store.deleteUnusedSegments([record.id]).catch(() => 0);
    if (deleted > 0) killed.push(record.id);
  }
  return { killed, filesKept };
}

async function candidatesOf(store: KillStore, request: KillRequest): Promise<SegmentRecord[]> {
  const recentlyChanged = request.unusedBeforeMs === undefined ? null : await recentlyChangedIds(store, request.unusedBeforeMs);
  const { interval, endedBeforeMs } = request;
  const candidates = (await store.allSegments(request.dataSource)).filter(
    (record) =>
      !record.used &&
      (interval === undefined || (record.interval.startMs >= interval.startMs && record.interval.endMs <= interval.endMs)) &&
      (endedBeforeMs === undefined || record.interval.endMs <= endedBeforeMs) &&
      (recentlyChanged === null || !recentlyChanged.has(record.id)),
  );
  return candidates.slice(0, request.limit ?? candidates.length);
}

async function recentlyChangedIds(store: KillStore, sinceMs: number): Promise<Set<string>> {
  if (store.segmentsChangedSince === undefined) return new Set();
  return new Set((await store.segmentsChangedSince(sinceMs)).map((record) => record.id));
}
