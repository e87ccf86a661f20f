// Parallel reading for batch ingestion: local JSON files are cut into chunks of a few MiB (at line
// starts, byte-ranges.ts) that the workers claim one at a time, so they finish together; each worker
// feeds its lines through the same RowFeeder into its own index and says which rows each chunk added;
// the main thread appends those rows chunk by chunk in input order (remapping dictionary keys) and
// replays the workers' parse exceptions in input order, so counts, saved messages and the
// maxParseExceptions failure are the ones the single-threaded run gives. Sorting, rollup across
// partials and segment building then run as before (segment columns encoded on the workers).
//
// An input whose rows do not fit in maxRowsInMemory is read in rounds: the workers stop claiming
// chunks once the rows they hold reach it, the round's rows are appended and spilled as a sorted run
// (as the single-threaded run spills), and the next round starts at the first chunk not claimed;
// the workers start it as soon as the round's reads are known, while this thread appends and spills.
// A round a worker crashed in is read again on the calling thread (after round 0 the run can no
// longer start over on one thread), as is a round whose failing parse exception no worker kept.
//
// Where it applies: JSON input on the fast path's terms (fixed schema: no discovery, transforms or
// sketch metrics) and local uncompressed files. Under rollup every metric must fold in an
// order-insensitive way (count, min, max, long sums): folding partials sums floats in another order.
// Anything else reads on the calling thread.
import { availableParallelism } from 'node:os';
import { assert, SedimentError } from '../cluster/errors.js';
import { splitIntoChunks, type ByteRange } from './byte-ranges.js';
import type { IncrementalIndex } from './incremental-index.js';
import type { IndexTaskSpec } from './index-task-spec.js';
import type { ChunkRead, IngestJob, IngestJobResult } from './ingest-worker-protocol.js';
import { IngestWorkerCrash, IngestWorkerPool } from './ingest-worker-pool.js';
import { ingestRanges } from './range-ingestion.js';
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
  /** The worker pool (tests pass one whose workers crash); default: the process's shared pool. */
  readonly pool?: IngestWorkerPool;
}

const MIN_BYTES_DEFAULT = 8 << 20;
const CHUNK_BYTES_DEFAULT = 8 << 20;
/** Rows a job's index reserves up front at most. */
const RESERVED_ROWS_MAX = 1 << 22;
/** Exception records a worker keeps at most (beyond the saved messages) to locate the one that fails the run. */
export const EXCEPTIONS_KEPT_CAP = 100_000;

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
  return workers < 1 ? localColumnEncoder : new ParallelColumnEncoder(parallelism.pool ?? pool(), workers, signal);
}

/** Boots the ingestion workers now (a server calls this once it listens), if ingestion uses workers. */
export function warmIngestionWorkers(): void {
  const { workers } = ingestionParallelism();
  if (workers > 0) pool().warm(workers);
}

export interface ParallelReadHooks {
  /** Cumulative bytes read and rows processed (processed plus processedWithError), now and then. */
  readonly onProgress: (bytesRead: number, rowsProcessed: number) => void;
  /** Stops the read promptly: readInParallel then throws its reason. */
  readonly signal?: AbortSignal;
  /**
   * Persists the index's rows as a sorted run and empties the index. Called between rounds (only
   * when the input's rows do not fit in maxRowsInMemory); the last round's rows stay in the index.
   */
  readonly spill: () => Promise<void>;
}

/**
 * Reads every entity into `index` and `stats` with worker threads when the input's shape allows it,
 * in rounds of about maxRowsInMemory rows, spilling (hooks.spill) between them. Returns false,
 * having changed nothing, when it does not apply (the caller reads on its own thread).
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
  const rounds = new RoundReader(spec, chunks, index, stats, parallelism, hooks);
  // While a round's rows are appended and spilled here, the workers already read the next one (as
  // Druid persists in the background while ingestion goes on): up to two rounds are in memory.
  let round: Round | null = rounds.begin(0, 0);
  let next: Round | null = null;
  try {
    for (;;) {
      next = null;
      const firstChunk = await rounds.finish(round, (following) => (next = following));
      round = null;
      if (firstChunk >= chunks.length) break;
      await hooks.spill();
      hooks.signal?.throwIfAborted();
      round = next ?? rounds.begin(firstChunk, stats.counts.unparseable + stats.counts.processedWithError);
    }
  } catch (error) {
    await Promise.all([round, next].map((pending) => (pending === null ? null : pending.cancel(error))));
    throw error;
  }
  const counts = stats.counts;
  hooks.onProgress(counts.processedBytes, counts.processed + counts.processedWithError);
  return true;
}

async function parallelReadApplies(spec: IndexTaskSpec, entities: readonly InputEntity[], parallelism: IngestionParallelism): Promise<boolean> {
  if (parallelism.workers < 1 || !fastJsonPathApplies(spec) || entities.length === 0) return false;
  if (entities.some((entity) => entity.filePath === null || entity.gzipped)) return false;
  const totalBytes = entities.reduce((total, entity) => total + entity.sizeBytes, 0);
  if (totalBytes < parallelism.minBytes) return false;
  return !spec.rollup || spec.ingestionMetrics.every((metric) => metric.fold !== 'sum' || metric.storage === 'long');
}

/** A chunk's read and the job that read it. */
interface JobRead {
  readonly job: number;
  readonly read: ChunkRead;
}

/** A round the workers are reading: its results arrive later. */
export interface Round {
  readonly firstChunk: number;
  /** Parse exceptions of the rounds before it (the budget spans rounds). */
  readonly exceptionsBefore: number;
  /** The workers' results; null when one crashed (the round is then read on the calling thread). */
  readonly results: Promise<IngestJobResult[] | null>;
  /** Stops the round's workers and waits until they have. */
  cancel(reason: unknown): Promise<void>;
}

/** Reads the input round by round into the index and stats. */
class RoundReader {
  /** Lines of each file read in earlier rounds: exceptions are located by line within the file. */
  private readonly linesBefore = new Map<string, number>();
  private readonly pool: IngestWorkerPool;
  private readonly messagesMax: number;
  /** Bytes read and rows processed by the rounds whose results are in, for progress. */
  private bytesDone = 0;
  private rowsDone = 0;
  /**
   * Partials of the last round appended: nothing reads them any more, so the next round begun hands
   * them to its jobs, whose indexes reuse their storage (rounds overlap, so that is two rounds on).
   */
  private recycled: PartialIndex[] = [];

  constructor(
    private readonly spec: IndexTaskSpec,
    private readonly chunks: readonly ByteRange[],
    private readonly index: IncrementalIndex,
    private readonly stats: RowStats,
    private readonly parallelism: IngestionParallelism,
    private readonly hooks: ParallelReadHooks,
  ) {
    this.pool = parallelism.pool ?? pool();
    this.messagesMax = Math.max(spec.maxSavedParseExceptions, PARSE_EXCEPTIONS_LOGGED_MIN);
  }

  /** Starts the workers on the round from `firstChunk`. */
  begin(firstChunk: number, exceptionsBefore: number): Round {
    const controller = new AbortController();
    const results = this.readOnWorkers(firstChunk, this.keptMax(exceptionsBefore), this.exceptionsAllowed(exceptionsBefore), controller);
    // Rejections are seen by finish() or cancel(); until then they must not count as unhandled.
    results.catch(() => undefined);
    const cancel = async (reason: unknown): Promise<void> => {
      controller.abort(reason);
      await results.catch(() => undefined);
    };
    return { firstChunk, exceptionsBefore, results, cancel };
  }

  /**
   * Takes the round's rows into the index and its outcomes into the stats (throwing where the
   * single-threaded run fails); returns the next round's first chunk. Once the round's reads are
   * known and within the exception budget, `beginNext` gets the next round, already started.
   */
  async finish(round: Round, beginNext: (next: Round) => void): Promise<number> {
    const { firstChunk, exceptionsBefore } = round;
    const exceptionsAllowed = this.exceptionsAllowed(exceptionsBefore);
    const keptMax = this.keptMax(exceptionsBefore);
    let results = (await round.results) ?? (await this.readHere(firstChunk, keptMax, exceptionsAllowed));
    let reads = readsInInputOrder(firstChunk, this.chunks.length, results);
    if (!exceptionsReplayable(this.spec, exceptionsBefore, reads)) {
      // The run fails at an exception no job kept: one job keeping every exception up to it names it.
      results = await this.readHere(firstChunk, Math.max(this.messagesMax, exceptionsAllowed + 1), exceptionsAllowed);
      reads = readsInInputOrder(firstChunk, this.chunks.length, results);
    }
    // The round's first chunk is always claimed (claims start below the row limit): rounds progress.
    assert(reads.length > 0, 'a round reads at least its first chunk');
    const nextChunk = firstChunk + reads.length;
    this.bytesDone += results.reduce((total, result) => total + result.counts.processedBytes, 0);
    this.rowsDone += results.reduce((total, result) => total + result.counts.processed + result.counts.processedWithError, 0);
    const exceptionsAfter = exceptionsBefore + reads.reduce((total, { read }) => total + read.counts.unparseable + read.counts.processedWithError, 0);
    if (nextChunk < this.chunks.length && exceptionsAfter <= this.spec.maxParseExceptions) beginNext(this.begin(nextChunk, exceptionsAfter));
    replayOutcomes(this.chunks, reads, results, this.stats, this.linesBefore);
    const partials = results.map((result) => result.partial);
    assert(partials.every((partial) => partial !== null), 'a worker that stopped early left the run within its exception budget');
    const spans: PartialSpan[] = reads.map(({ job, read }) => ({ partial: job, from: read.rowsFrom, to: read.rowsTo }));
    this.index.appendPartials(partials as PartialIndex[], spans);
    this.recycled = partials as PartialIndex[];
    const counts = this.stats.counts;
    counts.processedBytes += results.reduce((total, result) => total + result.counts.processedBytes, 0);
    this.hooks.onProgress(counts.processedBytes, counts.processed + counts.processedWithError);
    return nextChunk;
  }

  /** Not negative: RowStats has thrown once the exceptions passed the maximum. */
  private exceptionsAllowed(exceptionsBefore: number): number {
    return this.spec.maxParseExceptions - exceptionsBefore;
  }

  private keptMax(exceptionsBefore: number): number {
    return Math.max(this.messagesMax, Math.min(this.exceptionsAllowed(exceptionsBefore) + 1, EXCEPTIONS_KEPT_CAP));
  }

  private job(firstChunk: number, exceptionsKeptMax: number, exceptionsAllowed: number, jobs: number): IngestJob {
    const nextChunk = new SharedArrayBuffer(4);
    new Int32Array(nextChunk)[0] = firstChunk;
    const rowsInMemory = new SharedArrayBuffer(4);
    const rowsInMemoryMax = this.spec.maxRowsInMemory;
    // A round's rows split about evenly over its jobs, plus up to a chunk each (claimed chunks are read
    // whole). Room never touched costs nothing; the cap keeps a huge maxRowsInMemory from reserving GBs.
    const rowsPerJobExpected = Math.min(RESERVED_ROWS_MAX, Math.ceil((rowsInMemoryMax / jobs) * 1.15));
    return { taskJson: this.spec.json, chunks: this.chunks, nextChunk, rowsInMemory, rowsInMemoryMax, rowsPerJobExpected, exceptionsKeptMax, exceptionsAllowed, recycled: null };
  }

  /** Progress of a round's jobs on top of the rounds whose results were in when it started. */
  private roundProgress(jobs: number): (job: number, bytesRead: number, rowsProcessed: number) => void {
    const bytesBefore = this.bytesDone;
    const rowsBefore = this.rowsDone;
    const bytesRead = new Float64Array(jobs);
    const rowsProcessed = new Float64Array(jobs);
    return (job, bytes, rows) => {
      bytesRead[job] = bytes;
      rowsProcessed[job] = rows;
      this.hooks.onProgress(bytesBefore + sum(bytesRead), rowsBefore + sum(rowsProcessed));
    };
  }

  /** The round read by the workers; null when one crashed (the caller reads the round here instead). */
  private async readOnWorkers(firstChunk: number, exceptionsKeptMax: number, exceptionsAllowed: number, controller: AbortController): Promise<IngestJobResult[] | null> {
    const { signal } = this.hooks;
    const jobs = Math.min(this.parallelism.workers, this.chunks.length - firstChunk);
    const ingestJob = this.job(firstChunk, exceptionsKeptMax, exceptionsAllowed, jobs);
    const progress = this.roundProgress(jobs);
    const forwardAbort = (): void => controller.abort(signal!.reason);
    signal?.addEventListener('abort', forwardAbort);
    if (signal?.aborted) forwardAbort();
    // Each partial handed out moves to its worker: it is taken from the list now, used once.
    const recycled = this.recycled.splice(0);
    const runs = Array.from({ length: jobs }, (_, job) =>
      this.pool.run({ ...ingestJob, recycled: recycled[job] ?? null }, (bytes, rows) => progress(job, bytes, rows), controller.signal),
    );
    try {
      return await Promise.all(runs);
    } catch (error) {
      const cancelled = controller.signal.aborted;
      controller.abort(error);
      await Promise.allSettled(runs);
      if (error instanceof IngestWorkerCrash && !signal?.aborted && !cancelled) {
        // The run stays correct but this round takes longer: say why.
        process.emitWarning(`${error.message}; reading this round of the input again on the main thread`, { code: 'SEDIMENT_INGEST_WORKER_CRASH' });
        return null;
      }
      throw error;
    } finally {
      signal?.removeEventListener('abort', forwardAbort);
    }
  }

  /** The round read on this thread by one job (the workers' own function), as the workers would have. */
  private async readHere(firstChunk: number, exceptionsKeptMax: number, exceptionsAllowed: number): Promise<IngestJobResult[]> {
    const progress = this.roundProgress(1);
    const job = this.job(firstChunk, exceptionsKeptMax, exceptionsAllowed, 1);
    return [await ingestRanges(job, (bytes, rows) => progress(0, bytes, rows), this.hooks.signal)];
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** The chunks read from `firstChunk` on, in input order (a contiguous run: chunks are claimed in order). */
function readsInInputOrder(firstChunk: number, chunkCount: number, results: readonly IngestJobResult[]): JobRead[] {
  const byChunk: (JobRead | undefined)[] = new Array(chunkCount - firstChunk);
  results.forEach((result, job) => {
    for (const read of result.chunks) byChunk[read.chunk - firstChunk] = { job, read };
  });
  const reads: JobRead[] = [];
  for (const read of byChunk) {
    if (read === undefined) break;
    reads.push(read);
  }
  return reads;
}

/**
 * False when the run fails on maxParseExceptions at an exception no worker kept (possible only past
 * EXCEPTIONS_KEPT_CAP): the failure message names it, so the round is read again keeping it.
 * `exceptionsBefore`: the earlier rounds' exceptions (the budget spans rounds).
 */
function exceptionsReplayable(spec: IndexTaskSpec, exceptionsBefore: number, reads: readonly JobRead[]): boolean {
  let before = exceptionsBefore;
  for (const { read } of reads) {
    const count = read.counts.unparseable + read.counts.processedWithError;
    if (before + count > spec.maxParseExceptions) return spec.maxParseExceptions + 1 - before <= read.exceptionsKept;
    before += count;
  }
  return true;
}

/**
 * Adds the chunks' outcomes to `stats` in input order, exceptions located by file and line as the
 * single-threaded run locates them (`linesBefore`: each file's lines before these chunks; updated).
 * Throws (from RowStats) where that run would have stopped.
 */
function replayOutcomes(
  chunks: readonly ByteRange[],
  reads: readonly JobRead[],
  results: readonly IngestJobResult[],
  stats: RowStats,
  linesBefore: Map<string, number>,
): void {
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
