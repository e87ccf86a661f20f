// A parallel ingestion worker's job (see parallel-ingestion.ts): claims chunks of local JSON files
// from the shared counter and reads each through the same RowFeeder as the single-threaded run, into
// its own index, recording what became of each line by chunk and line, and which index rows each
// chunk added, for the main thread to replay and append in input order.
import { IncrementalIndex } from './incremental-index.js';
import { indexSchemaOf } from './index-schema-of.js';
import { parseIndexTaskSpec } from './index-task-spec.js';
import type { ChunkRead, ExceptionRecord, IngestJob, IngestJobResult } from './ingest-worker-protocol.js';
import { FileRangeReader } from './file-range-reader.js';
import { readLineBatches } from './json-line-batches.js';
import { RowFeeder, type RowOutcomes } from './row-feeder.js';
import type { RowStatsSnapshot } from './row-stats.js';

const READ_CHUNK_BYTES = 1 << 20;
/** Lines between updates of the shared row count, progress and abort checks. */
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
    private readonly exceptionsAllowed: number,
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
    if (++this.exceptionCount > this.exceptionsAllowed) throw new StopReading();
  }
}

/**
 * Runs one job: claims chunks until none is left or the round's rows reach the maximum. `onProgress`
 * gets the job's cumulative bytes read and rows processed now and then. Runs on a worker, or on the
 * calling thread when a round is read again there (then `signal` stops it promptly).
 */
export async function ingestRanges(
  job: IngestJob,
  onProgress: (bytesRead: number, rowsProcessed: number) => void,
  signal?: AbortSignal,
): Promise<IngestJobResult> {
  const reader = new RangeReader(job, onProgress, signal);
  const rowsInMemory = new Int32Array(job.rowsInMemory);
  const nextChunk = new Int32Array(job.nextChunk);
  // The count is checked before claiming, so a chunk once claimed is always read to its end.
  while (Atomics.load(rowsInMemory, 0) < job.rowsInMemoryMax) {
    const chunk = Atomics.add(nextChunk, 0, 1);
    if (chunk >= job.chunks.length) break;
    if (!(await reader.readChunk(chunk))) {
      Atomics.store(nextChunk, 0, job.chunks.length);
      return reader.result('tooManyExceptions');
    }
  }
  return reader.result('complete');
}

/** One job's index, outcomes and counters, over the chunks it claims. */
class RangeReader {
  private readonly index: IncrementalIndex;
  private readonly outcomes: JobOutcomes;
  private readonly feeder: RowFeeder;
  private readonly rowsInMemory: Int32Array;
  private readonly fileReader = new FileRangeReader(READ_CHUNK_BYTES);
  private readonly chunks: ChunkRead[] = [];
  private readonly total = zeroCounts();
  private rowsCounted = 0;
  private bytesRead = 0;
  private rowsProcessed = 0;

  constructor(
    private readonly job: IngestJob,
    private readonly onProgress: (bytesRead: number, rowsProcessed: number) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    const spec = parseIndexTaskSpec(job.taskJson);
    this.index = new IncrementalIndex(indexSchemaOf(spec));
    if (job.recycled !== null) this.index.recycle(job.recycled);
    this.index.reserveRows(job.rowsPerJobExpected);
    this.outcomes = new JobOutcomes(job.exceptionsKeptMax, job.exceptionsAllowed);
    this.feeder = new RowFeeder(spec, this.index, this.outcomes);
    this.rowsInMemory = new Int32Array(job.rowsInMemory);
  }

  /** Reads one chunk to its end; false when this job found more exceptions than the run allows. */
  async readChunk(chunk: number): Promise<boolean> {
    const { path, start, end } = this.job.chunks[chunk]!;
    const outcomes = this.outcomes;
    outcomes.chunk = chunk;
    const rowsFrom = this.index.rowCount;
    let lines = 0;
    const pieces = this.fileReader.read(path, start, end, (bytes) => (this.bytesRead += bytes));
    try {
      for await (const batch of readLineBatches(pieces, start === 0)) {
        for (let line = 0; line < batch.count; ) {
          line = this.feeder.feedLines(batch, line, Math.min(batch.count, line + CHECK_INTERVAL_LINES), Number.POSITIVE_INFINITY);
          this.countRows();
        }
        lines = batch.firstLine + batch.count - 1;
      }
    } catch (error) {
      if (!(error instanceof StopReading)) throw error;
      this.closeChunk(lines, rowsFrom);
      return false;
    }
    this.closeChunk(lines, rowsFrom);
    return true;
  }

  /** Adds the rows added since the last call to the round's shared count; reports progress. */
  private countRows(): void {
    this.signal?.throwIfAborted();
    const rowCount = this.index.rowCount;
    Atomics.add(this.rowsInMemory, 0, rowCount - this.rowsCounted);
    this.rowsCounted = rowCount;
    const counts = this.outcomes.counts;
    this.onProgress(this.bytesRead, this.rowsProcessed + counts.processed + counts.processedWithError);
  }

  private closeChunk(lines: number, rowsFrom: number): void {
    const outcomes = this.outcomes;
    const counts = outcomes.counts;
    this.chunks.push({ chunk: outcomes.chunk, lines, rowsFrom, rowsTo: this.index.rowCount, exceptionsKept: outcomes.keptInChunk, counts });
    for (const key of ['processed', 'processedWithError', 'unparseable', 'thrownAway'] as const) this.total[key] += counts[key];
    this.rowsProcessed += counts.processed + counts.processedWithError;
    outcomes.counts = zeroCounts();
    outcomes.keptInChunk = 0;
  }

  result(outcome: IngestJobResult['outcome']): IngestJobResult {
    const partial = outcome === 'complete' ? this.index.partial() : null;
    return { outcome, partial, chunks: this.chunks, exceptions: this.outcomes.exceptions, counts: { ...this.total, processedBytes: this.bytesRead } };
  }
}
