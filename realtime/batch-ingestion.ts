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
import { openDecoded, readInputRecords } from './input-format.js';
import { readLineBatches } from './json-line-batches.js';
import { listInputEntities, type InputEntity } from './input-source.js';
import { MergingCursor } from './merging-cursor.js';
import type { ColumnEncoder } from './parallel-column-encoder.js';
import { columnEncoderFor, ingestionParallelism, readInParallel, type IngestionParallelism } from './parallel-ingestion.js';
import type { RowCursor } from './row-cursor.js';
import type { ColumnSource } from './sorted-index-rows.js';
import { RowFeeder } from './row-feeder.js';
import { RowStats } from './row-stats.js';
import { RunMerge } from './run-merge.js';
import { SegmentBuilder, writeSegmentSources, type SegmentInfoBase } from './segment-builder.js';
import { openRunFile, writeRunFile, type SortedRun } from './run-file.js';
import { RunStore } from './run-store.js';
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
/** Final segments written at once by the columnar merge (see partitionSorted). */
const SEGMENTS_WRITTEN_AT_ONCE = 2;

class BatchIngestionRun {
  readonly stats: RowStats;
  readonly finalSegments: BatchIngestionResult['segments'] = [];
  private readonly index: IncrementalIndex;
  private readonly feeder: RowFeeder;
  private readonly encoder: ColumnEncoder;
  /** Spilled runs in memory, while every run has their compact form. */
  private readonly store = new RunStore(0);
  /** Spilled runs as files (after the store, in input order). */
  private readonly spills: string[] = [];
  /** Name of the entity being read, for parse-exception locations. */
  private entityName = '';
  private bytesRead = 0;
  private bytesTotal = 0;

  constructor(
    private readonly spec: IndexTaskSpec,
    private readonly options: BatchIngestionOptions,
    private readonly parallelism: IngestionParallelism,
  ) {
    this.stats = new RowStats(spec.maxParseExceptions, spec.maxSavedParseExceptions);
    this.index = new IncrementalIndex(indexSchemaOf(spec));
    this.encoder = columnEncoderFor(parallelism, options.signal);
    const stats = this.stats;
    this.feeder = new RowFeeder(spec, this.index, {
      processed: () => stats.processed(),
      thrownAway: () => stats.thrownAway(),
      unparseable: (line, message) => stats.unparseable(`${this.entityName}, line ${line}`, message),
      processedWithError: (line, message) => stats.processedWithError(`${this.entityName}, line ${line}`, message),
    });
  }

  async readAll(entities: readonly InputEntity[]): Promise<void> {
    this.bytesTotal = entities.reduce((total, entity) => total + entity.sizeBytes, 0);
    if (await this.readInParallel(entities)) return;
    for (const entity of entities) {
      this.entityName = entity.name;
      await (this.feeder.readsLines ? this.scanEntity(entity) : this.readEntity(entity));
      this.reportProgress();
    }
    this.stats.counts.processedBytes = this.bytesRead;
  }

  /** Worker threads read the input when its shape allows (see parallel-ingestion.ts); false: read it here. */
  private async readInParallel(entities: readonly InputEntity[]): Promise<boolean> {
    const { signal, onProgress } = this.options;
    const progress = (bytesRead: number, rowsProcessed: number): void => onProgress?.({ bytesRead, bytesTotal: this.bytesTotal, rowsProcessed });
    const hooks = { onProgress: progress, spill: () => this.spill(), ...(signal === undefined ? {} : { signal }) };
    return readInParallel(this.spec, entities, this.index, this.stats, this.parallelism, hooks);
  }

  private async readEntity(entity: InputEntity): Promise<void> {
    let rowsSinceProgress = 0;
    for await (const batch of readInputRecords(entity, this.spec.inputFormat, (count) => (this.bytesRead += count))) {
      for (const record of batch) {
        // Spilling before a row (not after) means an input that fits exactly never spills.
        if (this.index.rowCount >= this.spec.maxRowsInMemory) await this.spill();
        this.feeder.feedRecord(record);
        if (++rowsSinceProgress === PROGRESS_INTERVAL_ROWS) {
          rowsSinceProgress = 0;
          this.options.signal?.throwIfAborted();
          this.reportProgress();
        }
      }
    }
  }

  /** JSON lines: fed from the raw bytes, PROGRESS_INTERVAL_ROWS lines at a time. */
  private async scanEntity(entity: InputEntity): Promise<void> {
    const stream = openDecoded(entity, (count) => (this.bytesRead += count));
    for await (const batch of readLineBatches(stream)) {
      for (let line = 0; line < batch.count; ) {
        const to = Math.min(batch.count, line + PROGRESS_INTERVAL_ROWS);
        line = this.feeder.feedLines(batch, line, to, this.spec.maxRowsInMemory);
        if (line < to) await this.spill();
        else {
          this.options.signal?.throwIfAborted();
          this.reportProgress();
        }
      }
    }
  }

  private reportProgress(): void {
    const counts = this.stats.counts;
    this.options.onProgress?.({ bytesRead: this.bytesRead, bytesTotal: this.bytesTotal, rowsProcessed: counts.processed + counts.processedWithError });
  }

  /**
   * Seals the index's rows as a sorted run and empties it: into the in-memory run store when the
   * rows have its compact form and every earlier run went there too, else as a run file under workDir.
   */
  private async spill(): Promise<void> {
    const schemas = this.index.dimensionSchemas();
    const sorted = this.index.sortedRows();
    const sources = sorted.columnSources(schemas.map((schema) => schema.name), 0, sorted.rowCount);
    if (this.spills.length === 0 && RunStore.accepts(sources)) {
      this.store.add(sorted.times, sources, this.expectedRows());
    } else {
      const path = join(this.options.workDir, `spill-${String(this.spills.length).padStart(5, '0')}.run`);
      this.spills.push(path);
      await writeRunFile(path, sorted.times, sources.map((source) => ({ name: source.name, data: source.produce() })));
    }
    // The run holds copies of the rows: the index's storage serves the next round.
    this.index.clear(true);
  }

  /** The rows all runs will hold, extrapolated from the bytes read so far (generous: unused capacity costs nothing). */
  private expectedRows(): number {
    const rowsSoFar = this.store.rowCount + this.index.rowCount;
    const bytesSoFar = Math.max(this.bytesRead, this.stats.counts.processedBytes, 1);
    return Math.ceil((rowsSoFar * Math.max(this.bytesTotal, bytesSoFar)) / bytesSoFar) * 1.1 + this.spec.maxRowsInMemory;
  }

  private segmentInfoBase(interval: TimeInterval, version: string, partition: number): SegmentInfoBase {
    return { dataSource: this.spec.dataSource, interval, version, partition, rollup: this.spec.rollup, queryGranularity: this.spec.queryGranularity.json };
  }

  /** Merges the spills and the index into final segments. */
  async writeFinalSegments(): Promise<void> {
    const schemas = this.index.dimensionSchemas();
    if (this.spills.length === 0 && this.store.runCount === 0) return this.partitionIndex(schemas);
    // The index becomes the last run, so every run is stored or a file.
    if (this.index.rowCount > 0) await this.spill();
    if (this.spills.length === 0) {
      const merged = RunMerge.fromStore(this.store, schemas, this.spec.ingestionMetrics);
      merged.merge(this.spec.rollup, this.options.signal);
      return this.partitionMerged(merged, schemas);
    }
    // Some run is a file (multi-value rows or sketches): stored runs come first, in input order.
    const runs: SortedRun[] = this.store.sortedRuns();
    let runMerge: RunMerge | null;
    try {
      for (const path of this.spills) runs.push(await openRunFile(path));
      runMerge = RunMerge.of(runs, schemas, this.spec.ingestionMetrics);
    } catch (error) {
      for (const run of runs) run.close();
      throw error;
    }
    if (runMerge !== null) {
      // The merge holds its own copy of every column: the files are no longer read.
      for (const run of runs) run.close();
      runMerge.merge(this.spec.rollup, this.options.signal);
      return this.partitionMerged(runMerge, schemas);
    }
    const names = schemas.map((schema) => schema.name);
    const metricNames = this.spec.ingestionMetrics.map((metric) => metric.name);
    const inputs: RowCursor[] = runs.map((run) => new SpillCursor(run, names, metricNames));
    const merged = new MergingCursor(inputs, names.length, this.spec.ingestionMetrics, this.spec.rollup);
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

  /** Without spills the index alone is every row, rolled up and sorted: its ranges become the segments. */
  private partitionIndex(schemas: readonly DimensionSchema[]): Promise<void> {
    const sorted = this.index.sortedRows();
    const names = schemas.map((schema) => schema.name);
    return this.partitionSorted(schemas, sorted.times, sorted.rowCount, (from, to) => ({ times: sorted.timesOf(from, to), sources: sorted.columnSources(names, from, to) }));
  }

  /** The columnar merge's rows, cut into segments as the index's are. */
  private partitionMerged(merged: RunMerge, schemas: readonly DimensionSchema[]): Promise<void> {
    return this.partitionSorted(schemas, merged.times, merged.rowCount, (from, to) => ({ times: merged.times.slice(from, to), sources: merged.columnSources(from, to) }));
  }

  /**
   * Writes sorted rows as one segment per time chunk and maxRowsPerSegment rows; `rows` gives a
   * range's columns. Two segments are written at once, so the workers start on the next segment's
   * columns while the last of this one's finish (and this thread writes and encodes __time).
   */
  private async partitionSorted(
    schemas: readonly DimensionSchema[],
    times: Float64Array,
    rowCount: number,
    rows: (from: number, to: number) => { times: Float64Array; sources: ColumnSource[] },
  ): Promise<void> {
    const rowsMax = this.spec.maxRowsPerSegment;
    const writing: Promise<void>[] = [];
    try {
      for (let start = 0; start < rowCount; ) {
        const interval = this.chunkInterval(this.spec.segmentGranularity.bucketStart(times[start]!));
        const end = firstAtOrAfter(times, interval.endMs, start, rowCount);
        let partition = this.options.partitionStart?.(interval) ?? 0;
        for (let from = start; from < end; from += rowsMax) {
          this.options.signal?.throwIfAborted();
          const to = Math.min(end, from + rowsMax);
          if (writing.length >= SEGMENTS_WRITTEN_AT_ONCE) await writing.shift();
          const written = this.writeFinalColumns(interval, partition++, (path, info) => {
            const range = rows(from, to);
            return writeSegmentSources(path, info, schemas, this.spec.ingestionMetrics, range.times, range.sources, this.encoder);
          });
          // A rejection is seen below (or by the await above); until then it must not count as unhandled.
          written.catch(() => undefined);
          writing.push(written);
        }
        start = end;
      }
    } catch (error) {
      // Every write settles before this throws: the caller then removes the files written.
      await Promise.allSettled(writing);
      throw error;
    }
    const outcomes = await Promise.allSettled(writing);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  private chunkInterval(start: number): TimeInterval {
    return { startMs: start, endMs: this.spec.segmentGranularity.next(start) };
  }

  private writeFinal(builder: SegmentBuilder, chunkStart: number, partition: number): Promise<void> {
    return this.writeFinalColumns(this.chunkInterval(chunkStart), partition, (path, info) => builder.write(path, info));
  }

  private async writeFinalColumns(interval: TimeInterval, partition: number, write: (path: string, info: SegmentInfoBase) => Promise<{ info: SegmentInfo; sizeBytes: number }>): Promise<void> {
    const version = typeof this.options.version === 'string' ? this.options.version : this.options.version(interval);
    const info = this.segmentInfoBase(interval, version, partition);
    const path = join(this.options.workDir, `${segmentIdOf(info).replace(/[^A-Za-z0-9._-]/g, '_')}.segment`);
    // Recorded before writing so a failure part-way still removes the file.
    const entry = { path, info: { ...info, rowCount: 0, dimensions: [], metrics: [] } as SegmentInfo, sizeBytes: 0 };
    this.finalSegments.push(entry);
    const written = await write(path, info);
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

/** The first position in [from, to) whose time is at least `timeMs` (times ascend), else `to`. */
function firstAtOrAfter(times: Float64Array, timeMs: number, from: number, to: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Runs an `index` / `index_parallel` task's ingestion into `options.workDir`. Throws invalidInput
 * ('spec.tuningConfig.maxParseExceptions') when too many rows fail to parse; on any failure no final
 * segment file remains.
 */
export async function runBatchIngestion(spec: IndexTaskSpec, options: BatchIngestionOptions): Promise<BatchIngestionResult> {
  return runBatchIngestionWith(spec, options, ingestionParallelism());
}

/** runBatchIngestion with explicit parallelism (tests compare worker counts; 0 workers reads on this thread). */
export async function runBatchIngestionWith(spec: IndexTaskSpec, options: BatchIngestionOptions, parallelism: IngestionParallelism): Promise<BatchIngestionResult> {
  options.signal?.throwIfAborted();
  const entities = await listInputEntities(spec.inputSource, 'spec.ioConfig.inputSource');
  const run = new BatchIngestionRun(spec, options, parallelism);
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
