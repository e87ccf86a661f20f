// Rescue of appended segments that a concurrent compaction overshadowed (Druid's "upgrade" of
// segments appended during a REPLACE). A segment appended under an older version while a compaction
// published a newer one over the same time would be hidden; it is rewritten under the newest
// overlapping version (so it is read beside the compaction's output) and published, retiring the
// hidden original in the same transaction. The rewritten segment's partition is derived from the
// original's id, so the compaction and the appending task may both rescue the same segment: the
// second publish finds an identical record and changes nothing.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../../cluster/segment-keys.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { segmentIdOf, type SegmentInfo } from '../../segment-format/segment-metadata.js';
import { compactionSchemaOf } from './compaction-schema.js';
import type { CompactionSpec } from './compaction-spec.js';
import { mergeIntoSegments } from './segment-merger.js';
import { SegmentRowCursor } from './segment-row-cursor.js';
import { overlaps } from './visible-intervals.js';
import { publishedSegmentRecord } from '../../cluster/published-segment-record.js';

export interface UpgradeDependencies {
  readonly store: MetadataStore;
  readonly deepStorage: DeepStorage;
  /** Scratch directory (created and removed here). */
  readonly workDir: string;
}

/** Upgraded partitions live far above the partitions tasks number from 0, so they never collide. */
const upgradedPartitionBase = 1_000_000;

/**
 * For each given segment still used and hidden by a higher used version overlapping it, publish a
 * rewritten copy under the highest such version. Returns the records published.
 */
export async function upgradeOvershadowedSegments(segments: readonly SegmentRecord[], dependencies: UpgradeDependencies): Promise<SegmentRecord[]> {
  const published: SegmentRecord[] = [];
  for (const segment of segments) {
    const used = await dependencies.store.usedSegments(segment.dataSource, segment.interval);
    if (!used.some((record) => record.id === segment.id)) continue;
    const target = highestVersion(used.filter((record) => overlaps(record.interval, segment.interval)));
    if (target <= segment.version) continue;
    published.push(await upgradeOne(segment, target, dependencies));
  }
  return published;
}

function idHash(id: string): number {
  return crc32c(Buffer.from(id, 'utf8')) >>> 0;
}

function highestVersion(records: readonly SegmentRecord[]): string {
  let highest = '';
  for (const record of records) if (record.version > highest) highest = record.version;
  return highest;
}

async function upgradeOne(segment: SegmentRecord, version: string, dependencies: UpgradeDependencies): Promise<SegmentRecord> {
  const workDir = join(dependencies.workDir, `upgrade-${idHash(segment.id).toString(16)}-${Date.now()}`);
  await mkdir(workDir, { recursive: true });
  try {
    const inputPath = join(workDir, 'input.segment');
    await dependencies.deepStorage.pull(segment.deepStorageKey, inputPath);
    const file = await openSegment(inputPath);
    const spec = keepSchemaSpec(segment);
    const schema = compactionSchemaOf(spec, [file]);
    const cursor = new SegmentRowCursor(file, { dimensions: schema.dimensions, metrics: schema.metrics, queryGranularity: null, visible: [segment.interval] });
    const [output] = await mergeIntoSegments([cursor], {
      dataSource: segment.dataSource,
      schema: { ...schema, rollup: false, queryGranularityJson: segment.info.queryGranularity },
      version,
      chunkOf: () => segment.interval,
      partitionStart: () => upgradedPartitionBase + (idHash(segment.id) % upgradedPartitionBase),
      maxRowsPerSegment: Number.MAX_SAFE_INTEGER,
      outputDir: workDir,
    });
    const info: SegmentInfo = { ...output!.info, rollup: segment.info.rollup };
    const key = deepStorageKeyOf(info);
    await dependencies.deepStorage.push(output!.path, key);
    const record = publishedSegmentRecord(info, key, output!.sizeBytes);
    await dependencies.store.publishSegments([record], [segment.id]);
    return record;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function keepSchemaSpec(segment: SegmentRecord): CompactionSpec {
  return {
    type: 'compact',
    dataSource: segment.dataSource,
    interval: segment.interval,
    segmentGranularity: null,
    queryGranularity: null,
    rollup: false,
    dimensions: null,
    metrics: null,
    maxRowsPerSegment: Number.MAX_SAFE_INTEGER,
    json: null,
  };
}

