// Merges sorted row cursors (one per input segment) into output segment files: a k-way merge that
// folds equal keys under rollup, cut into time chunks and into partitions of at most
// maxRowsPerSegment rows. A failure part-way removes every output file written so far.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentInfo, TimeInterval } from '../../segment-format/segment-metadata.js';
import { segmentIdOf } from '../../segment-format/segment-metadata.js';
import { MergingCursor } from '../merging-cursor.js';
import type { RowCursor } from '../row-cursor.js';
import { SegmentBuilder } from '../segment-builder.js';
import type { CompactionSchema } from './compaction-schema.js';

export interface MergeOptions {
  readonly dataSource: string;
  readonly schema: CompactionSchema;
  readonly version: string;
  /** The output chunk holding an instant (applied to truncated times). */
  readonly chunkOf: (timeMs: number) => TimeInterval;
  /** First partition number per chunk; default 0. */
  readonly partitionStart?: (chunk: TimeInterval) => number;
  readonly maxRowsPerSegment: number;
  /** Directory the output files are written to. */
  readonly outputDir: string;
  /** Called every `progressEveryRows` input-merged rows with the total so far. */
  readonly onRows?: (rowsWritten: number) => void;
  readonly signal?: AbortSignal;
}

export interface MergedSegment {
  readonly path: string;
  readonly info: SegmentInfo;
  readonly sizeBytes: number;
}

const progressEveryRows = 10_000;

/** Consumes (and closes) the cursors. */
export async function mergeIntoSegments(cursors: readonly RowCursor[], options: MergeOptions): Promise<MergedSegment[]> {
  const { schema } = options;
  const metrics = schema.metrics.map((output) => output.metric);
  const merged = cursors.length === 1 && !schema.rollup ? cursors[0]! : new MergingCursor(cursors, schema.dimensions.length, metrics, schema.rollup);
  const written: MergedSegment[] = [];
  try {
    await writeChunks(merged, options, written);
    return written;
  } catch (error) {
    for (const segment of written) await rm(segment.path, { force: true });
    throw error;
  } finally {
    merged.close();
  }
}

async function writeChunks(cursor: RowCursor, options: MergeOptions, written: MergedSegment[]): Promise<void> {
  const metrics = options.schema.metrics.map((output) => output.metric);
  let builder: SegmentBuilder | null = null;
  let chunk: TimeInterval | null = null;
  let partition = 0;
  let rows = 0;
  while (cursor.next()) {
    if (++rows % progressEveryRows === 0) {
      options.signal?.throwIfAborted();
      options.onRows?.(rows);
    }
    const time = cursor.time();
    const inChunk = chunk !== null && time >= chunk.startMs && time < chunk.endMs;
    if (builder !== null && (!inChunk || builder.rowCount >= options.maxRowsPerSegment)) {
      written.push(await writeOne(builder, chunk!, partition, options));
      partition++;
      builder = null;
    }
    if (!inChunk) {
      chunk = options.chunkOf(time);
      partition = options.partitionStart?.(chunk) ?? 0;
    }
    builder ??= new SegmentBuilder(options.schema.dimensions, metrics);
    builder.add(cursor);
  }
  if (builder !== null) written.push(await writeOne(builder, chunk!, partition, options));
  options.onRows?.(rows);
}

async function writeOne(builder: SegmentBuilder, interval: TimeInterval, partition: number, options: MergeOptions): Promise<MergedSegment> {
  const info = {
    dataSource: options.dataSource,
    interval,
    version: options.version,
    partition,
    rollup: options.schema.rollup,
    queryGranularity: options.schema.queryGranularityJson,
  };
  const path = join(options.outputDir, `${segmentIdOf(info).replace(/[^A-Za-z0-9._-]/g, '_')}.segment`);
  const result = await builder.write(path, info);
  return { path, info: result.info, sizeBytes: result.sizeBytes };
}
