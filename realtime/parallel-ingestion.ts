// Parallel reading for batch ingestion: local JSON files are cut into chunks of a few MiB (at line
// starts, byte-ranges.ts) that the workers claim one at a time, so they finish together; each worker
// feeds its lines through the same RowFeeder into its own index and says which rows each chunk added;
// the main thread appends those rows chunk by chunk in input order (remapping dictionary keys) and
// replays the workers' parse exceptions in input order, so counts, saved messages and the
// maxParseExceptions failure are the ones the single-threaded run gives. Sorting, rollup across
// partials and segment building then run as before (segment columns encoded on the workers).
//
// Where it applies: JSON input on the fast path's terms (fixed schema: no discovery, transforms or
// sketch metrics), local uncompressed files, and the rows fitting in memory (maxRowsInMemory; past
// it the run reads again on one thread, which spills). Under rollup every metric must fold in an
// order-insensitive way (count, min, max, long sums): folding partials sums floats in another order.
// Anything else, or a worker crash, reads on the calling thread.
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { assert, SedimentError } from '../cluster/errors.js';
import { splitIntoChunks, type ByteRange } from './byte-ranges.js';
import type { IncrementalIndex } from './incremental-index.js';
import type { IndexTaskSpec } from './index-task-spec.js';
import type { ChunkRead, IngestJob, IngestJobResult } from './ingest-worker-protocol.js';
import { IngestWorkerCrash, IngestWorkerPool } from './ingest-worker-pool.js';
import type { InputEntity } from './input-source.js';
import { localColumnEncoder, ParallelColumnEncoder, type ColumnEncoder } from './parallel-column-encoder.js';
import type { PartialIndex, PartialSpan } from './partial-index.js';
import { fastJsonPathApplies } from './row-feeder.js';
import { PARSE_EXCEPTIONS_LOGGED_MIN, type RowStats } from './row-stats.js';

export interface IngestionParallelism {
  /** Worker threads reading the input; 0 reads on the calling thread. */
  readonly workers: number;
  /** Inputs smaller than this many bytes are read on the calling thread (workers cost more than they save). */
  readonly minBytes: number;
  /** Bytes per chunk the workers claim (default CHUNK_BYTES_DEFAULT); smaller balances better, costs more merging. */
  readonly chunkBytes?: number;
}

const MIN_BYTES_DEFAULT = 8 << 20;
const CHUNK_BYTES_DEFAULT = 8 << 20;
/** Exception records a worker keeps at most (beyond the saved messages) to locate the one that fails the run. */
const EXCEPTIONS_KEPT_CAP = 100_000;
/** Bytes of the first file sampled to estimate the row count. */
const SAMPLE_BYTES = 256 * 1024;

/** From SEDIMENT_INGEST_WORKERS ("auto", the default: one per core when there are at least two; 0: none). */
export function ingestionParallelism(): IngestionParallelism {
  const configured = process.env['SEDIMENT_INGEST_WORKERS']?.trim() ?? '';
  if (configured === '' || configured === 'auto') {
    const cores = availableParallelism();
    return { workers: cores >= 2 ? cores : 0, minBytes: MIN_BYTES_DEFAULT };
  }
  const workers = Number(configured);
  if (!Number.isSafeInteger(workers) || workers < 0) {
    throw new SedimentError('invalid_input', `SEDIMENT_INGEST_WORKERS must be a non-negative integer or "auto", got "${configured}"`);
  }
  return { workers, minBytes: MIN_BYTES_DEFAULT };
}

let sharedPool: IngestWorkerPool | null = null;

function pool(): IngestWorkerPool {
  sharedPool ??= new IngestWorkerPool(availableParallelism());
  return sharedPool;
}

/** Encodes segment columns on the ingestion workers, or on this thread when `parallelism` has none. */
export function columnEncoderFor(parallelism: IngestionParallelism, signal?: AbortSignal): ColumnEncoder {
  const workers = Math.min(parallelism.workers, availableParallelism());
  return workers < 1 ? localColumnEncoder : new ParallelColumnEncoder(pool(), workers, signal);
}

/** Boots the ingestion workers now (a server calls this once it listens), if ingestion uses workers. */
export function warmIngestionWorkers(): void {
  const { workers } = ingestionParallelism();
  if (workers > 0) pool().warm(workers);
}

export interface ParallelReadHooks {
  readonly onProgress: (bytesRead: number, rowsProcessed: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Reads every entity into `index` and `stats` with worker threads when the input's shape allows it.
 * Returns false, having changed neither, when it does not apply (the caller reads on its own thread).
 * Throws what the single-threaded run throws (maxParseExceptions exceeded, unreadable input).
 */
export async function readInParallel(
  spec: IndexTaskSpec,
  entities: readonly InputEntity[],
  index: IncrementalIndex,
  stats: RowStats,
  parallelism: IngestionParallelism,
  hooks: ParallelReadHooks,
): Promise<boolean> {
  if (!(await parallelReadApplies(spec, entities, parallelism))) return false;
  const files = entities.map((entity) => ({ path: entity.filePath!, sizeBytes: entity.sizeBytes }));
  const chunks = await splitIntoChunks(files, parallelism.chunkBytes ?? CHUNK_BYTES_DEFAULT);
  const results = await runJobs(spec, chunks, Math.min(parallelism.workers, chunks.length), hooks);
  if (results === null || results.some((result) => result.outcome === 'overflow')) return false;
  const reads = readsInInputOrder(chunks.length, results);
  if (!exceptionsReplayable(spec, reads)) return false;
  replayOutcomes(chunks, reads, results, stats);
  const partials = results.map((result) => result.partial);
  assert(partials.every((partial) => partial !== null), 'a worker that stopped early left the run within its exception budget');
  const spans: PartialSpan[] = reads.map(({ job, read }) => ({ partial: job, from: read.rowsFrom, to: read.rowsTo }));
  index.appendPartials(partials as PartialIndex[], spans);
  const counts = stats.counts;
  counts.processedBytes = results.reduce((total, result) => total + result.counts.processedBytes, 0);
  hooks.onProgress(counts.processedBytes, counts.processed + counts.processedWithError);
  return true;
}

/** A chunk's read and the job that read it. */
interface JobRead {
  readonly job: number;
  readonly read: ChunkRead;
}

/** The chunks read, in input order (a prefix of the chunks: they are claimed in order). */
function readsInInputOrder(chunkCount: number, results: readonly IngestJobResult[]): JobRead[] {
  const byChunk: (JobRead | undefined)[] = new Array(chunkCount);
  results.forEach((result, job) => {
    for (const read of result.chunks) byChunk[read.chunk] = { job, read };
  });
  const reads: JobRead[] = [];
  for (const read of byChunk) {
    if (read === undefined) break;
    reads.push(read);
  }
  return reads;
}

async function parallelReadApplies(spec: IndexTaskSpec, entities: readonly InputEntity[], parallelism: IngestionParallelism): Promise<boolean> {
  if (parallelism.workers < 1 || !fastJsonPathApplies(spec) || entities.length === 0) return false;
  if (entities.some((entity) => entity.filePath === null || entity.gzipped)) return false;
  const totalBytes = entities.reduce((total, entity) => total + entity.sizeBytes, 0);
  if (totalBytes < parallelism.minBytes) return false;
  if (spec.rollup && !spec.ingestionMetrics.every((metric) => metric.fold !== 'sum' || metric.storage === 'long')) return false;
  if (spec.rollup) return true;
  // Without rollup every line is a row: skip inputs that clearly will not fit (the workers would stop
  // at maxRowsInMemory and the run would read again).
  const linesEstimate = totalBytes / (await averageLineBytes(entities[0]!.filePath!));
  return linesEstimate <= spec.maxRowsInMemory * 1.25;
}

async function averageLineBytes(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    let lines = 0;
    for (let position = buffer.indexOf(0x0a); position >= 0 && position < bytesRead; position = buffer.indexOf(0x0a, position + 1)) lines++;
    return lines === 0 ? Math.max(bytesRead, 1) : bytesRead / lines;
  } finally {
    await handle.close();
  }
}

/** Runs `jobs` jobs sharing the chunks; null when a worker crashed (the caller reads on its own thread instead). */
async function runJobs(spec: IndexTaskSpec, chunks: readonly ByteRange[], jobs: number, hooks: ParallelReadHooks): Promise<IngestJobResult[] | null> {
  const rowsInMemory = new SharedArrayBuffer(4);
  const nextChunk = new SharedArrayBuffer(4);
  const messagesMax = Math.max(spec.maxSavedParseExceptions, PARSE_EXCEPTIONS_LOGGED_MIN);
  const exceptionsKeptMax = Math.max(messagesMax, Math.min(spec.maxParseExceptions + 1, EXCEPTIONS_KEPT_CAP));
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(hooks.signal!.reason);
  hooks.signal?.addEventListener('abort', forwardAbort);
  const bytesRead = new Float64Array(jobs);
  const rowsProcessed = new Float64Array(jobs);
  const ingestJob: IngestJob = { taskJson: spec.json, chunks, nextChunk, rowsInMemory, rowsInMemoryMax: spec.maxRowsInMemory, exceptionsKeptMax };
  const runs = Array.from({ length: jobs }, (_, job) =>
    pool().run(
      ingestJob,
      (bytes, rows) => {
        bytesRead[job] = bytes;
        rowsProcessed[job] = rows;
        hooks.onProgress(bytesRead.reduce((total, value) => total + value, 0), rowsProcessed.reduce((total, value) => total + value, 0));
      },
      controller.signal,
    ),
  );
  try {
    return await Promise.all(runs);
  } catch (error) {
    controller.abort(error);
    await Promise.allSettled(runs);
    if (error instanceof IngestWorkerCrash && !hooks.signal?.aborted) {
      // The run stays correct (it reads again on one thread) but takes about twice as long: say why.
      process.emitWarning(`${error.message}; reading the input again on one thread`, { code: 'SEDIMENT_INGEST_WORKER_CRASH' });
      return null;
    }
    throw error;
  } finally {
    hooks.signal?.removeEventListener('abort', forwardAbort);
  }
}

/**
 * False when the run fails on maxParseExceptions at an exception no worker kept (possible only past
 * EXCEPTIONS_KEPT_CAP): the failure message names it, so the caller reads on one thread instead.
 */
function exceptionsReplayable(spec: IndexTaskSpec, reads: readonly JobRead[]): boolean {
  let before = 0;
  for (const { read } of reads) {
    const count = read.counts.unparseable + read.counts.processedWithError;
    if (before + count > spec.maxParseExceptions) return spec.maxParseExceptions + 1 - before <= read.exceptionsKept;
    before += count;
  }
  return true;
}

/**
 * Adds the chunks' outcomes to `stats` in input order, exceptions located by file and line as the
 * single-threaded run locates them. Throws (from RowStats) where that run would have stopped.
 */
function replayOutcomes(chunks: readonly ByteRange[], reads: readonly JobRead[], results: readonly IngestJobResult[], stats: RowStats): void {
  const linesBefore = new Map<string, number>();
  // Each job's kept exceptions are in its chunks' order: a cursor per job walks them.
  const nextException = new Array<number>(results.length).fill(0);
  for (const { job, read } of reads) {
    const path = chunks[read.chunk]!.path;
    const lineBase = linesBefore.get(path) ?? 0;
    linesBefore.set(path, lineBase + read.lines);
    const exceptions = results[job]!.exceptions;
    let unparseableKept = 0;
    let kept = 0;
    for (let position = nextException[job]!; position < exceptions.length && exceptions[position]!.chunk === read.chunk; position++, kept++) {
      const exception = exceptions[position]!;
      const location = `${path}, line ${lineBase + exception.line}`;
      if (exception.kind === 'unparseable') {
        unparseableKept++;
        stats.unparseable(location, exception.message);
      } else {
        stats.processedWithError(location, exception.message);
      }
    }
    nextException[job]! += kept;
    const counts = stats.counts;
    counts.unparseable += read.counts.unparseable - unparseableKept;
    counts.processedWithError += read.counts.processedWithError - (kept - unparseableKept);
    counts.processed += read.counts.processed;
    counts.thrownAway += read.counts.thrownAway;
  }
}
