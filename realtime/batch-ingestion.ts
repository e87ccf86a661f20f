// Native batch ingestion: input files → parse → transform → in-memory index (spilling sorted runs to
// disk past maxRowsInMemory) → k-way merge with rollup → final segment files split by segment
// granularity and maxRowsPerSegment. A failed run leaves no final segment in workDir.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentInfo, TimeInterval } from '../segment-format/segment-metadata.js';
import { segmentIdOf } from '../segment-format/segment-metadata.js';
import type { DimensionSchema } from './dimensions-spec.js';
import { IncrementalIndex } from './incremental-index.js';
import { indexSchemaOf } from './index-schema-of.js';
import type { IndexTaskSpec } from './index-task-spec.js';
import { readInputRecords, type InputRecord } from './input-format.js';
import { InputRowParser } from './input-row.js';
import { listInputEntities, type InputEntity } from './input-source.js';
import { MergingCursor } from './merging-cursor.js';
import type { RowCursor } from './row-cursor.js';
import { RowStats } from './row-stats.js';
import { SegmentBuilder } from './segment-builder.js';
import { SpillCursor } from './spill-cursor.js';

export interface BatchIngestionOptions {
  /** Scratch and output directory; exists and is empty. Final segment files are written here. */
  workDir: string;
  /**
   * Version of the new segments (an ISO timestamp string), or per time chunk: appends join a
   * chunk's existing version so they add partitions instead of overshadowing it.
   */
  version: string | ((interval: TimeInterval) => string);
  /** First partition number for a time chunk (appends continue after existing partitions); default 0. */
  partitionStart?: (interval: TimeInterval) => number;
  /** Called now and then while input is read, and once at the end of each file. */
  onProgress?: (progress: { bytesRead: number; bytesTotal: number; rowsProcessed: number }) => void;
  /** Aborts the run (its reason is thrown); nothing is left in workDir. */
  signal?: AbortSignal;
}

export interface BatchIngestionResult {
  /** Final segments in time order; each file is complete and fsynced. */
  segments: { path: string; info: SegmentInfo; sizeBytes: number }[];
  rowStats: { processed: number; processedBytes: number; processedWithError: number; unparseable: number; thrownAway: number };
  /** Saved parse-exception messages (bounded), each naming the file and line. */
  parseExceptions: string[];
}

const PROGRESS_INTERVAL_ROWS = 10_000;

class BatchIngestionRun {
  readonly stats: RowStats;
  readonly finalSegments: BatchIngestionResult['segments'] = [];
  private readonly index: IncrementalIndex;
  private readonly parser: InputRowParser;
  private readonly spills: string[] = [];
  private bytesRead = 0;
  private bytesTotal = 0;

  constructor(
    private readonly spec: IndexTaskSpec,
    private readonly options: BatchIngestionOptions,
  ) {
    this.stats = new RowStats(spec.maxParseExceptions, spec.maxSavedParseExceptions);
    this.index = new IncrementalIndex(indexSchemaOf(spec));
    this.parser = new InputRowParser(spec);
  }

  async readAll(entities: readonly InputEntity[]): Promise<void> {
    this.bytesTotal = entities.reduce((total, entity) => total + entity.sizeBytes, 0);
    for (const entity of entities) {
      await this.readEntity(entity);
      this.reportProgress();
    }
    this.stats.counts.processedBytes = this.bytesRead;
  }

  private async readEntity(entity: InputEntity): Promise<void> {
    let rowsSinceProgress = 0;
    for await (const batch of readInputRecords(entity, this.spec.inputFormat, (count) => (this.bytesRead += count))) {
      for (const record of batch) {
        this.readRecord(entity, record);
        if (this.index.rowCount >= this.spec.maxRowsInMemory) await this.spill();
        if (++rowsSinceProgress === PROGRESS_INTERVAL_ROWS) {
          rowsSinceProgress = 0;
          this.options.signal?.throwIfAborted();
          this.reportProgress();
        }
      }
    }
  }

  /** Parses one record into the index, counting it; throws once maxParseExceptions is exceeded. */
  private readRecord(entity: InputEntity, record: InputRecord): void {
    const { stats, parser } = this;
    if (record.fields === null) {
      stats.unparseable(`${entity.name}, line ${record.line}`, record.error);
      return;
    }
    const outcome = parser.parse(record.fields);
    if (outcome === 'unparseable') {
      stats.unparseable(`${entity.name}, line ${record.line}`, parser.error);
    } else if (outcome === 'thrownAway') {
      stats.thrownAway();
    } else {
      const error = this.index.add(parser);
      if (error === null) stats.processed();
      else stats.processedWithError(`${entity.name}, line ${record.line}`, error);
    }
  }

  private reportProgress(): void {
    const counts = this.stats.counts;
    this.options.onProgress?.({ bytesRead: this.bytesRead, bytesTotal: this.bytesTotal, rowsProcessed: counts.processed + counts.processedWithError });
  }

  /** Persists the index as a sorted run (a segment file under workDir) and empties it. */
  private async spill(): Promise<void> {
    const schemas = this.index.dimensionSchemas();
    const cursor = this.index.sortedCursor(schemas.map((schema) => schema.name));
    const builder = new SegmentBuilder(schemas, this.spec.ingestionMetrics);
    while (cursor.next()) builder.add(cursor);
    const path = join(this.options.workDir, `spill-${String(this.spills.length).padStart(5, '0')}.segment`);
    this.spills.push(path);
    await builder.write(path, {
      dataSource: this.spec.dataSource,
      interval: { startMs: builder.firstTime, endMs: builder.lastTime + 1 },
      version: 'spill',
      partition: this.spills.length - 1,
      rollup: this.spec.rollup,
      queryGranularity: this.spec.queryGranularity.json,
    });
    this.index.clear();
  }

  /** Merges the spills and the index into final segments. */
  async writeFinalSegments(): Promise<void> {
    const schemas = this.index.dimensionSchemas();
    const names = schemas.map((schema) => schema.name);
    const metricNames = this.spec.ingestionMetrics.map((metric) => metric.name);
    const inputs: RowCursor[] = [];
    try {
      for (const path of this.spills) inputs.push(await SpillCursor.open(path, names, metricNames));
      inputs.push(this.index.sortedCursor(names));
    } catch (error) {
      for (const input of inputs) input.close();
      throw error;
    }
    const folds = this.spec.ingestionMetrics.map((metric) => metric.fold);
    // The index alone is already rolled up and sorted: no merge needed.
    const merged = inputs.length === 1 ? inputs[0]! : new MergingCursor(inputs, names.length, folds, this.spec.rollup);
    try {
      await this.partition(merged, schemas);
    } finally {
      merged.close();
    }
  }

  private async partition(cursor: RowCursor, schemas: readonly DimensionSchema[]): Promise<void> {
    const granularity = this.spec.segmentGranularity;
    let builder: SegmentBuilder | null = null;
    let chunkStart = Number.NaN;
    let partition = 0;
    let rows = 0;
    while (cursor.next()) {
      if (++rows % PROGRESS_INTERVAL_ROWS === 0) this.options.signal?.throwIfAborted();
      const start = granularity.bucketStart(cursor.time());
      if (builder !== null && (start !== chunkStart || builder.rowCount >= this.spec.maxRowsPerSegment)) {
        await this.writeFinal(builder, chunkStart, partition);
        partition++;
        builder = null;
      }
      if (start !== chunkStart) {
        chunkStart = start;
        partition = this.options.partitionStart?.(this.chunkInterval(start)) ?? 0;
      }
      builder ??= new SegmentBuilder(schemas, this.spec.ingestionMetrics);
      builder.add(cursor);
    }
    if (builder !== null) await this.writeFinal(builder, chunkStart, partition);
  }

  private chunkInterval(start: number): TimeInterval {
    return { startMs: start, endMs: this.spec.segmentGranularity.next(start) };
  }

  private async writeFinal(builder: SegmentBuilder, chunkStart: number, partition: number): Promise<void> {
    const interval = this.chunkInterval(chunkStart);
    const version = typeof this.options.version === 'string' ? this.options.version : this.options.version(interval);
    const info = {
      dataSource: this.spec.dataSource,
      interval,
      version,
      partition,
      rollup: this.spec.rollup,
      queryGranularity: this.spec.queryGranularity.json,
    };
    const path = join(this.options.workDir, `${segmentIdOf(info).replace(/[^A-Za-z0-9._-]/g, '_')}.segment`);
    // Recorded before writing so a failure part-way still removes the file.
    const entry = { path, info: { ...info, rowCount: 0, dimensions: [], metrics: [] } as SegmentInfo, sizeBytes: 0 };
    this.finalSegments.push(entry);
    const written = await builder.write(path, info);
    entry.info = written.info;
    entry.sizeBytes = written.sizeBytes;
  }

  async removeSpills(): Promise<void> {
    for (const path of this.spills) await rm(path, { force: true });
    for (const path of this.spills) await rm(`${path}.tmp`, { force: true });
  }

  async removeFinalSegments(): Promise<void> {
    for (const segment of this.finalSegments) {
      await rm(segment.path, { force: true });
      await rm(`${segment.path}.tmp`, { force: true });
    }
    this.finalSegments.length = 0;
  }
}

/**
 * Runs an `index` / `index_parallel` task's ingestion into `options.workDir`. Throws invalidInput
 * ('spec.tuningConfig.maxParseExceptions') when too many rows fail to parse; on any failure no final
 * segment file remains.
 */
export async function runBatchIngestion(spec: IndexTaskSpec, options: BatchIngestionOptions): Promise<BatchIngestionResult> {
  options.signal?.throwIfAborted();
  const entities = await listInputEntities(spec.inputSource, 'spec.ioConfig.inputSource');
  const run = new BatchIngestionRun(spec, options);
  try {
    await run.readAll(entities);
    await run.writeFinalSegments();
  } catch (error) {
    await run.removeFinalSegments();
    throw error;
  } finally {
    await run.removeSpills();
  }
  return { segments: run.finalSegments, rowStats: { ...run.stats.counts }, parseExceptions: [...run.stats.messages] };
}
