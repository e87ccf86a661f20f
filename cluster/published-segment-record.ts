// The metadata record of a segment file that has just been pushed to deep storage under `key`:
// used, identified by its Druid segment id. Batch tasks, compaction and realtime publishes all build
// their records with it.
import type { SegmentRecord } from './metadata-store.js';
import { segmentIdOf, type SegmentInfo } from '../segment-format/segment-metadata.js';

export function publishedSegmentRecord(info: SegmentInfo, key: string, sizeBytes: number): SegmentRecord {
  return {
    id: segmentIdOf(info),
    dataSource: info.dataSource,
    interval: info.interval,
    version: info.version,
    partition: info.partition,
    used: true,
    deepStorageKey: key,
    sizeBytes,
    info,
    createdMs: Date.now(),
  };
}
