// runQuery on the worker pool: segment files (and row ranges of big ones) run on workers, in-memory
// segments inline on this thread meanwhile; partials merge here in slice order, so the answer is the
// inline path's (up to the rounding of floating-point sums over a different grouping of rows).
import { SedimentError } from '../../cluster/errors.js';
import { deadlineOf } from '../query-context.js';
import { checkDeadline } from '../query-types/deadline.js';
import type { Query } from '../query.js';
import { finalizeResults, mergePartials, runSegment, type PartialResult } from '../run-query.js';
import type { SegmentSlice } from '../segment-slice.js';
import { partialTransferModeOf, unpackPartial } from './partial-transfer.js';
import { QueryPool, type TaskGroup } from './query-pool.js';
import { planPieces, type SegmentPiece } from './segment-pieces.js';
import type { SegmentTaskAnswer } from './worker-protocol.js';

export interface ParallelRunOptions {
  /** Slices of segment files are cut into row ranges of at least this many rows (default 65,536). */
  readonly minRowsPerPiece?: number;
  /** topN and groupBy slices are cut only into pieces of this many rows per possible group (default 32; 0 cuts regardless). */
  readonly rowsPerGroupToCut?: number;
}

/**
 * Runs, merges and finalizes the query. `queryJson` is the JSON `query` was parsed from (workers
 * parse it again). Same results and errors as runQuery; a timeout rejects at the deadline even if a
 * worker is still busy, and that worker's work is discarded.
 */
export async function runQueryParallel(
  query: Query,
  queryJson: unknown,
  slices: readonly SegmentSlice[],
  pool: QueryPool,
  options: ParallelRunOptions = {},
): Promise<unknown[]> {
  const deadlineMs = deadlineOf(query.context);
  let merged: PartialResult | null = null;
  for (const partial of await runSlicesParallel(query, queryJson, slices, pool, options)) {
    merged = merged === null ? partial : mergePartials(query, merged, partial);
  }
  checkDeadline(deadlineMs);
  return finalizeResults(query, merged);
}

/** One partial per slice, in slice order, computed on the pool (inline when it has no workers). */
export async function runSlicesParallel(
  query: Query,
  queryJson: unknown,
  slices: readonly SegmentSlice[],
  pool: QueryPool,
  options: ParallelRunOptions = {},
): Promise<PartialResult[]> {
  if (slices.length === 0) return [];
  const deadlineMs = deadlineOf(query.context);
  checkDeadline(deadlineMs);
  const pieces = pool.parallel
    ? planPieces(query, slices, { workerCount: pool.workerCount, minRowsPerPiece: options.minRowsPerPiece ?? 65_536, rowsPerGroupToCut: options.rowsPerGroupToCut })
    : [];
  if (!pieces.some((piece) => piece.file !== null)) return runInline(query, slices, deadlineMs);
  const group = pool.group();
  try {
    const partials = await runPieces(query, queryJson, pieces, pool, group, deadlineMs);
    const bySlice: (PartialResult | null)[] = slices.map(() => null);
    pieces.forEach((piece, index) => {
      const previous = bySlice[piece.sliceIndex]!;
      bySlice[piece.sliceIndex] = previous === null ? partials[index]! : mergePartials(query, previous, partials[index]!);
    });
    checkDeadline(deadlineMs);
    return bySlice.map((partial) => partial!);
  } catch (error) {
    group.cancel(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

function runInline(query: Query, slices: readonly SegmentSlice[], deadlineMs: number): PartialResult[] {
  return slices.map((slice) => {
    checkDeadline(deadlineMs);
    return runSegment(query, slice, deadlineMs);
  });
}

/** Every piece's partial, in piece order. Worker pieces are sent first so inline ones overlap them. */
async function runPieces(
  query: Query,
  queryJson: unknown,
  pieces: readonly SegmentPiece[],
  pool: QueryPool,
  group: TaskGroup,
  deadlineMs: number,
): Promise<PartialResult[]> {
  const queryText = JSON.stringify(queryJson);
  const transferMode = partialTransferModeOf(query);
  const answers = pieces.map((piece) =>
    piece.file === null ? null : pool.run(group, { queryText, transferMode, segment: piece.file, intervals: piece.slice.intervals, deadlineMs }),
  );
  const failure = firstFailure(answers, deadlineMs);
  try {
    const inline = pieces.map((piece) => (piece.file === null ? runSegment(query, piece.slice, deadlineMs) : null));
    const partials: PartialResult[] = [];
    for (let index = 0; index < pieces.length; index++) {
      const pending = answers[index];
      if (pending === null) partials.push(inline[index]!);
      else partials.push(partialOf(query, pieces[index]!, await Promise.race([pending!, failure.promise]), deadlineMs));
    }
    return partials;
  } finally {
    failure.dispose();
  }
}

function partialOf(query: Query, piece: SegmentPiece, answer: SegmentTaskAnswer, deadlineMs: number): PartialResult {
  switch (answer.outcome) {
    case 'partial':
      return unpackPartial(answer.partial);
    case 'error':
      throw QueryPool.errorOf(answer);
    case 'unavailable':
      // The worker could not open the file; this thread still holds the segment the timeline gave.
      return runSegment(query, piece.slice, deadlineMs);
  }
}

/** Rejects with the first task rejection, or with the timeout at the deadline. */
function firstFailure(answers: readonly (Promise<SegmentTaskAnswer> | null)[], deadlineMs: number): { promise: Promise<never>; dispose(): void } {
  let timer: NodeJS.Timeout | null = null;
  const promise = new Promise<never>((_resolve, reject) => {
    for (const answer of answers) answer?.catch(reject);
    if (Number.isFinite(deadlineMs)) timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadlineMs - Date.now()) + 1);
  });
  // Losing every race is the normal case; nobody awaits the promise then.
  promise.catch(() => undefined);
  return {
    promise,
    dispose: () => {
      if (timer !== null) clearTimeout(timer);
    },
  };
}

/** The error checkDeadline raises, so both paths time out with the same message. */
function timeoutError(): SedimentError {
  try {
    checkDeadline(Number.NEGATIVE_INFINITY);
  } catch (error) {
    if (error instanceof SedimentError) return error;
  }
  return new SedimentError('timeout', 'Query timeout');
}
