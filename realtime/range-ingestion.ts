// A parallel ingestion worker's job (see parallel-ingestion.ts): reads its byte ranges of local JSON
// files through the same RowFeeder as the single-threaded run, into its own index, and records what
// became of each line by range and line, for the main thread to replay in input order.
import { createReadStream } from 'node:fs';
import { IncrementalIndex } from './incremental-index.js';
import { indexSchemaOf } from './index-schema-of.js';
import { parseIndexTaskSpec } from './index-task-spec.js';
import type { ExceptionRecord, IngestJob, IngestJobResult } from './ingest-worker-protocol.js';
import { readLineBatches } from './json-line-batches.js';
import { RowFeeder, type RowOutcomes } from './row-feeder.js';
import type { RowStatsSnapshot } from './row-stats.js';

const READ_CHUNK_BYTES = 1 << 20;
/** Lines between checks of the shared row count, progress and exception budget. */
const CHECK_INTERVAL_LINES = 16_384;

class StopReading extends Error {}

class JobOutcomes implements RowOutcomes {
  readonly counts: RowStatsSnapshot = { processed: 0, processedBytes: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
  readonly exceptions: ExceptionRecord[] = [];
  range = 0;

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
    if (this.exceptions.length < this.keptMax) this.exceptions.push({ kind, range: this.range, line, message });
    // This job alone is past the budget: the run fails whatever the other jobs found.
    if (this.counts.unparseable + this.counts.processedWithError > this.maxParseExceptions) throw new StopReading();
  }
}

/** Runs one job; `onProgress` gets cumulative bytes read and rows processed now and then. */
export async function ingestRanges(job: IngestJob, onProgress: (bytesRead: number, rowsProcessed: number) => void): Promise<IngestJobResult> {
  const spec = parseIndexTaskSpec(job.taskJson);
  const index = new IncrementalIndex(indexSchemaOf(spec));
  const outcomes = new JobOutcomes(job.exceptionsKeptMax, spec.maxParseExceptions);
  const feeder = new RowFeeder(spec, index, outcomes);
  const rowsInMemory = new Int32Array(job.rowsInMemory);
  const lines: number[] = [];
  let rowsCounted = 0;
  let bytesRead = 0;
  const result = (outcome: IngestJobResult['outcome']): IngestJobResult => ({
    outcome,
    partial: outcome === 'complete' ? index.partial() : null,
    lines,
    exceptions: outcomes.exceptions,
    counts: { ...outcomes.counts, processedBytes: bytesRead },
  });
  try {
    for (let range = 0; range < job.ranges.length; range++) {
      const { path, start, end } = job.ranges[range]!;
      outcomes.range = range;
      lines.push(0);
      const stream = createReadStream(path, { start, end: end - 1, highWaterMark: READ_CHUNK_BYTES });
      stream.on('data', (chunk) => (bytesRead += chunk.length));
      for await (const batch of readLineBatches(stream, start === 0)) {
        for (let line = 0; line < batch.count; ) {
          line = feeder.feedLines(batch, line, Math.min(batch.count, line + CHECK_INTERVAL_LINES), Number.POSITIVE_INFINITY);
          const added = index.rowCount - rowsCounted;
          rowsCounted = index.rowCount;
          if (Atomics.add(rowsInMemory, 0, added) + added > job.rowsInMemoryMax) {
            stream.destroy();
            return result('overflow');
          }
          onProgress(bytesRead, outcomes.counts.processed + outcomes.counts.processedWithError);
        }
        lines[range] = batch.firstLine + batch.count - 1;
      }
    }
  } catch (error) {
    if (error instanceof StopReading) return result('tooManyExceptions');
    throw error;
  }
  return result('complete');
}
