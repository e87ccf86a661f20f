// A parallel ingestion worker's job (see parallel-ingestion.ts): claims chunks of local JSON files
// from the shared counter and reads each through the same RowFeeder as the single-threaded run, into
// its own index, recording what became of each line by chunk and line, and which index rows each
// chunk added, for the main thread to replay and append in input order.
import { createReadStream } from 'node:fs';
import { IncrementalIndex } from './incremental-index.js';
import { indexSchemaOf } from './index-schema-of.js';
import { parseIndexTaskSpec } from './index-task-spec.js';
import type { ChunkRead, ExceptionRecord, IngestJob, IngestJobResult } from './ingest-worker-protocol.js';
import { readLineBatches } from './json-line-batches.js';
import { RowFeeder, type RowOutcomes } from './row-feeder.js';
import type { RowStatsSnapshot } from './row-stats.js';

const READ_CHUNK_BYTES = 1 << 20;
/** Lines between checks of the shared row count, progress and exception budget. */
const CHECK_INTERVAL_LINES = 16_384;

class StopReading extends Error {}

function zeroCounts(): RowStatsSnapshot {
  return { processed: 0, processedBytes: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
}

class JobOutcomes implements RowOutcomes {
  readonly exceptions: ExceptionRecord[] = [];
  /** Counts of the chunk being read. */
  counts = zeroCounts();
  chunk = 0;
  /** Exceptions of the chunk being read that were kept. */
  keptInChunk = 0;
  private exceptionCount = 0;

  constructor(
    private readonly keptMax: number,
    private readonly maxParseExceptions: number,
  ) {}

  processed(): void {
    this.counts.processed++;
  }

  thrownAway(): void {
    this.counts.thrownAway++;
  }

  unparseable(line: number, message: string): void {
    this.counts.unparseable++;
    this.record('unparseable', line, message);
  }

  processedWithError(line: number, message: string): void {
    this.counts.processedWithError++;
    this.record('processedWithError', line, message);
  }

  private record(kind: ExceptionRecord['kind'], line: number, message: string): void {
    if (this.exceptions.length < this.keptMax) {
      this.exceptions.push({ kind, chunk: this.chunk, line, message });
      this.keptInChunk++;
    }
    // This job alone is past the budget: the run fails whatever the other jobs found.
    if (++this.exceptionCount > this.maxParseExceptions) throw new StopReading();
  }
}

/** Runs one job; `onProgress` gets cumulative bytes read and rows processed now and then. */
export async function ingestRanges(job: IngestJob, onProgress: (bytesRead: number, rowsProcessed: number) => void): Promise<IngestJobResult> {
  const spec = parseIndexTaskSpec(job.taskJson);
  const index = new IncrementalIndex(indexSchemaOf(spec));
  const outcomes = new JobOutcomes(job.exceptionsKeptMax, spec.maxParseExceptions);
  const feeder = new RowFeeder(spec, index, outcomes);
  const rowsInMemory = new Int32Array(job.rowsInMemory);
  const nextChunk = new Int32Array(job.nextChunk);
  const chunks: ChunkRead[] = [];
  const total = zeroCounts();
  let rowsCounted = 0;
  let bytesRead = 0;
  let rowsProcessed = 0;
  let chunkRowsFrom = 0;
  const closeChunk = (lines: number): void => {
    const counts = outcomes.counts;
    chunks.push({ chunk: outcomes.chunk, lines, rowsFrom: chunkRowsFrom, rowsTo: index.rowCount, exceptionsKept: outcomes.keptInChunk, counts });
    for (const key of ['processed', 'processedWithError', 'unparseable', 'thrownAway'] as const) total[key] += counts[key];
    rowsProcessed += counts.processed + counts.processedWithError;
    outcomes.counts = zeroCounts();
    outcomes.keptInChunk = 0;
  };
  const result = (outcome: IngestJobResult['outcome']): IngestJobResult => {
    if (outcome !== 'complete') Atomics.store(nextChunk, 0, job.chunks.length);
    return { outcome, partial: outcome === 'complete' ? index.partial() : null, chunks, exceptions: outcomes.exceptions, counts: { ...total, processedBytes: bytesRead } };
  };
  for (let chunk = Atomics.add(nextChunk, 0, 1); chunk < job.chunks.length; chunk = Atomics.add(nextChunk, 0, 1)) {
    const { path, start, end } = job.chunks[chunk]!;
    outcomes.chunk = chunk;
    chunkRowsFrom = index.rowCount;
    let lines = 0;
    const stream = createReadStream(path, { start, end: end - 1, highWaterMark: READ_CHUNK_BYTES });
    stream.on('data', (data) => (bytesRead += data.length));
    try {
      for await (const batch of readLineBatches(stream, start === 0)) {
        for (let line = 0; line < batch.count; ) {
          line = feeder.feedLines(batch, line, Math.min(batch.count, line + CHECK_INTERVAL_LINES), Number.POSITIVE_INFINITY);
          const added = index.rowCount - rowsCounted;
          rowsCounted = index.rowCount;
          if (Atomics.add(rowsInMemory, 0, added) + added > job.rowsInMemoryMax) {
            stream.destroy();
            return result('overflow');
          }
          const counts = outcomes.counts;
          onProgress(bytesRead, rowsProcessed + counts.processed + counts.processedWithError);
        }
        lines = batch.firstLine + batch.count - 1;
      }
    } catch (error) {
      stream.destroy();
      if (!(error instanceof StopReading)) throw error;
      closeChunk(lines);
      return result('tooManyExceptions');
    }
    closeChunk(lines);
  }
  return result('complete');
}
