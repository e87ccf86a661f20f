// Messages between batch ingestion and its worker threads (see parallel-ingestion.ts).
import type { ByteRange } from './byte-ranges.js';
import type { PartialIndex } from './partial-index.js';
import type { RowStatsSnapshot } from './row-stats.js';

/** One worker's share of the input: consecutive byte ranges, read in order into one partial index. */
export interface IngestJob {
  /** The task JSON (IndexTaskSpec.json), parsed again in the worker. */
  readonly taskJson: unknown;
  readonly ranges: readonly ByteRange[];
  /**
   * Int32 [0]: rows held by all workers' indexes together. A worker adds its rows as it goes and
   * stops once the total passes rowsInMemoryMax (the single-threaded run would have spilled).
   */
  readonly rowsInMemory: SharedArrayBuffer;
  readonly rowsInMemoryMax: number;
  /** Exception records kept (the first ones); later exceptions are only counted. */
  readonly exceptionsKeptMax: number;
}

/** A parse exception of a job, located by range and line within the range (1-based). */
export interface ExceptionRecord {
  readonly kind: 'unparseable' | 'processedWithError';
  /** Index into IngestJob.ranges. */
  readonly range: number;
  readonly line: number;
  readonly message: string;
}

export interface IngestJobResult {
  /**
   * complete: every range read. overflow: stopped because the rows in memory passed the maximum.
   * tooManyExceptions: stopped because this job alone passed maxParseExceptions.
   */
  readonly outcome: 'complete' | 'overflow' | 'tooManyExceptions';
  /** The rows read (complete only). */
  readonly partial: PartialIndex | null;
  /** Lines read per range, for ranges read (all of them when complete). */
  readonly lines: number[];
  /** The first exceptionsKeptMax exceptions, in input order. */
  readonly exceptions: ExceptionRecord[];
  /** Row counts of the whole job (processedBytes: the ranges' bytes). */
  readonly counts: RowStatsSnapshot;
}

export type IngestWorkerMessage =
  | { readonly type: 'progress'; readonly bytesRead: number; readonly rowsProcessed: number }
  | { readonly type: 'done'; readonly result: IngestJobResult }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | null; readonly stack: string | null };
