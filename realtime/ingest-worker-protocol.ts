// Messages between batch ingestion and its worker threads (see parallel-ingestion.ts): reading byte
// ranges into a partial index, and encoding one segment column (see parallel-column-encoder.ts).
import type { TransferredColumn } from '../segment-format/column-transfer.js';
import type { EncodedColumn } from '../segment-format/encoded-column.js';
import type { ByteRange } from './byte-ranges.js';
import type { ColumnStorage } from './column-gather.js';
import type { PartialIndex } from './partial-index.js';
import type { RowStatsSnapshot } from './row-stats.js';

/**
 * One worker's part in reading one round of the input: the whole input as chunks (consecutive byte
 * ranges, in input order), which the round's workers claim one at a time from a shared counter, each
 * reading its chunks into one partial index, so they all finish about together. A round ends once
 * the rows the workers hold reach rowsInMemoryMax; the next round starts at the first unclaimed chunk.
 */
export interface IngestJob {
  /** The task JSON (IndexTaskSpec.json), parsed again in the worker. */
  readonly taskJson: unknown;
  /** Every chunk of the input, in input order. */
  readonly chunks: readonly ByteRange[];
  /**
   * Int32 [0]: the next chunk to claim (Atomics.add), starting at the round's first chunk. The chunks
   * claimed are always a contiguous run from there. A job that stops early (too many exceptions)
   * pushes it past the last chunk, so the others stop claiming.
   */
  readonly nextChunk: SharedArrayBuffer;
  /**
   * Int32 [0]: rows held by all the round's workers' indexes together. A worker adds its rows as it
   * goes and claims no further chunk once the total has reached rowsInMemoryMax (a chunk claimed is
   * read to its end, so the limit is soft, as the single-threaded run's spill check is).
   */
  readonly rowsInMemory: SharedArrayBuffer;
  readonly rowsInMemoryMax: number;
  /** Rows one job will likely hold: its index reserves room for them up front (growing costs copies). */
  readonly rowsPerJobExpected: number;
  /**
   * A partial index of an earlier round, already appended and read by no one, moved (transferred)
   * here so the job's index reuses its storage instead of faulting in fresh memory; null for none.
   */
  readonly recycled: PartialIndex | null;
  /** Exception records kept (the job's first ones); later exceptions are only counted. */
  readonly exceptionsKeptMax: number;
  /**
   * Parse exceptions the run may still take (maxParseExceptions less the earlier rounds'): a job
   * that alone finds more stops, since the run fails whatever the others find.
   */
  readonly exceptionsAllowed: number;
}

/** A parse exception of a job, located by chunk and line within the chunk (1-based). */
export interface ExceptionRecord {
  readonly kind: 'unparseable' | 'processedWithError';
  /** Index into IngestJob.chunks. */
  readonly chunk: number;
  readonly line: number;
  readonly message: string;
}

/** What a job made of one chunk it claimed. */
export interface ChunkRead {
  /** Index into IngestJob.chunks. */
  readonly chunk: number;
  /** Lines read (all of the chunk's unless the job stopped in it). */
  readonly lines: number;
  /** The partial index rows this chunk added: [rowsFrom, rowsTo) (under rollup, rows it folded into may be older). */
  readonly rowsFrom: number;
  readonly rowsTo: number;
  /** This chunk's exceptions among the job's kept ones (the chunk's first ones). */
  readonly exceptionsKept: number;
  /** This chunk's row counts (processedBytes: 0; the job's counts hold the bytes). */
  readonly counts: RowStatsSnapshot;
}

export interface IngestJobResult {
  /**
   * complete: every chunk claimed was read, and no further one was to be claimed (none left, or the
   * round's rows reached the maximum). tooManyExceptions: stopped because this job alone found more
   * than exceptionsAllowed.
   */
  readonly outcome: 'complete' | 'tooManyExceptions';
  /** The rows read (complete only). */
  readonly partial: PartialIndex | null;
  /** The chunks claimed, in claim order (so ascending). */
  readonly chunks: ChunkRead[];
  /** The job's first exceptionsKeptMax exceptions, in input order. */
  readonly exceptions: ExceptionRecord[];
  /** Row counts of the whole job (processedBytes: the chunks' bytes). */
  readonly counts: RowStatsSnapshot;
}

/** What a worker is asked to do; it answers each request, one at a time, with its messages. */
export type IngestWorkerRequest =
  | { readonly type: 'ingest'; readonly job: IngestJob }
  /** encodeColumn(name, column, rowCount), answered with 'encoded'. */
  | { readonly type: 'encodeColumn'; readonly name: string; readonly column: TransferredColumn; readonly rowCount: number }
  /** encodeColumn(name, gatherColumn(storage, order[start, end)), end - start), answered with 'encoded'. */
  | { readonly type: 'gatherColumn'; readonly name: string; readonly storage: ColumnStorage; readonly order: SharedArrayBuffer; readonly start: number; readonly end: number };

export type IngestWorkerMessage =
  | { readonly type: 'progress'; readonly bytesRead: number; readonly rowsProcessed: number }
  | { readonly type: 'done'; readonly result: IngestJobResult }
  | { readonly type: 'encoded'; readonly encoded: EncodedColumn }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | null; readonly stack: string | null };
