// Builds SegmentRecords for tests of the metadata store, timeline, cache and coordinator.
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../../cluster/segment-keys.js';
import { segmentIdOf, type SegmentInfo } from '../../segment-format/segment-metadata.js';

export function segmentRecord(options: {
  dataSource?: string;
  startMs: number;
  endMs: number;
  version: string;
  partition?: number;
  used?: boolean;
  sizeBytes?: number;
  rowCount?: number;
}): SegmentRecord {
  const info: SegmentInfo = {
    dataSource: options.dataSource ?? 'wikipedia',
    interval: { startMs: options.startMs, endMs: options.endMs },
    version: options.version,
    partition: options.partition ?? 0,
    rowCount: options.rowCount ?? 10,
    rollup: false,
    queryGranularity: { type: 'none' },
    dimensions: ['page'],
    metrics: [{ name: 'added', aggregator: { type: 'longSum', name: 'added', fieldName: 'added' } }],
  };
  return {
    id: segmentIdOf(info),
    dataSource: info.dataSource,
    interval: info.interval,
    version: info.version,
    partition: info.partition,
    used: options.used ?? true,
    deepStorageKey: deepStorageKeyOf(info),
    sizeBytes: options.sizeBytes ?? 1000,
    info,
    createdMs: 1_700_000_000_000,
  };
}
