// The messages between the query pool (main thread) and its workers.
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { PartialTransferMode, TransferredPartial } from './partial-transfer.js';
import type { SharedColumn } from './shared-columns.js';
import type { WorkerErrorRecord } from './worker-error.js';

/** A segment file a worker opens itself; id and size let it tell a replaced file from the one meant. */
export interface SegmentFileReference {
  readonly path: string;
  readonly id: string;
  readonly sizeBytes: number;
  /**
   * Which opening of the file on the main thread the shared columns come from: a worker drops what it
   * holds for an earlier opening (a segment dropped and loaded again), so it never keeps a second copy
   * of the columns alive beside the main thread's new one.
   */
  readonly opening: number;
}

/** Main → worker: run the query over one slice of one segment file. */
export interface SegmentTaskMessage {
  /** Unique per pool; echoed in the answer. */
  readonly taskId: number;
  /** The native query JSON as text; workers parse it (parsed queries hold functions and do not clone). */
  readonly queryText: string;
  readonly transferMode: PartialTransferMode;
  readonly segment: SegmentFileReference;
  /** The visible parts of the segment to read: sorted, disjoint, half-open. */
  readonly intervals: readonly TimeInterval[];
  /** Wall-clock ms past which the engines throw timeout (Infinity for none). */
  readonly deadlineMs: number;
  /** The main thread's __time of the segment (shared memory); null to let the worker read it. */
  readonly time: Float64Array | null;
  /** The main thread's decoded columns the query reads (shared memory); others the worker reads itself. */
  readonly columns: readonly (readonly [string, SharedColumn])[];
  /**
   * The query filter's TRUE rows in the slice the piece belongs to, as a portable roaring
   * serialization in shared memory; the worker runs the query with this in place of its filter.
   * Null to evaluate the query's own filter.
   */
  readonly selection: Uint8Array | null;
}

/** Worker → main: the answer to one task. */
export type SegmentTaskAnswer =
  | { readonly taskId: number; readonly outcome: 'partial'; readonly partial: TransferredPartial }
  | { readonly taskId: number; readonly outcome: 'error'; readonly error: WorkerErrorRecord }
  /** The worker could not open the file (dropped meanwhile, replaced): the main thread runs the slice itself. */
  | { readonly taskId: number; readonly outcome: 'unavailable'; readonly reason: string };

/** workerData of a query worker. */
export interface QueryWorkerData {
  /** Segment files a worker keeps open (with their decoded columns) before closing the least recently used. */
  readonly openSegmentsMax: number;
}

/** Worker → main, once, when the worker has loaded its modules and listens for tasks. */
export const WORKER_READY = 'sediment-query-worker-ready';
