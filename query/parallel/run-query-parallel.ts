// runQuery on the worker pool: the pieces of a query (segment slices, and row ranges of big segment
// files: segment-pieces.ts) run on the workers and on this thread at once, this thread taking a piece
// whenever it has nothing else to do; in-memory segments run here. Workers read this thread's decoded
// columns in shared memory (shared-columns.ts). Partials merge here in slice order, so the answer is
// the inline path's (up to the rounding of floating-point sums over a different grouping of rows).
import type { RoaringBitmap32 } from 'roaring';
import { SedimentError } from '../../cluster/errors.js';
import { SegmentFile } from '../../segment-format/segment-reader.js';
import { deadlineOf } from '../query-context.js';
import { checkDeadline } from '../query-types/deadline.js';
import type { Query } from '../query.js';
import { finalizeResults, mergePartials, runSegment, type PartialResult } from '../run-query.js';
import type { SegmentSlice } from '../segment-slice.js';
import { partialTransferModeOf, unpackPartial, type PartialTransferMode } from './partial-transfer.js';
import { QueryPool, type TaskGroup } from './query-pool.js';
import { columnsReadBy } from './query-columns.js';
import { planPieces, type SegmentPiece } from './segment-pieces.js';
import { inSharedMemory, sharedColumnOf, sharedTimeOf, type SharedColumn } from './shared-columns.js';
import { withSelection } from './selection-filter.js';
import type { SegmentTaskAnswer, SegmentTaskMessage } from './worker-protocol.js';

export interface ParallelRunOptions {
  /**
   * Slices of segment files are cut into row ranges of at least this many (selected) rows, and a
   * query reading fewer than twice this many runs inline (default: the pool's, else DEFAULT_MIN_ROWS_PER_PIECE).
   */
  readonly minRowsPerPiece?: number;
  /** groupBy slices are cut only into pieces of this many rows per possible group (default 128; 0 cuts regardless). */
  readonly rowsPerGroupToCut?: number;
}

/**
 * Below about 2 × this many rows a query runs inline: handing a piece to a worker and merging its
 * partial costs about a millisecond, which a piece of this size repays (rows are aggregated at
 * 20–100 million a second per core).
 */
const DEFAULT_MIN_ROWS_PER_PIECE = 100_000;

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

/** One partial per slice, in slice order, computed on the pool and this thread (inline when the pool has no workers). */
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
  if (!pool.parallel) return slices.map((slice) => runInline(query, slice, deadlineMs));
  const plan = planPieces(query, slices, {
    threadCount: pool.workerCount + 1,
    minRowsPerPiece: options.minRowsPerPiece ?? pool.minRowsPerPiece ?? DEFAULT_MIN_ROWS_PER_PIECE,
    rowsPerGroupToCut: options.rowsPerGroupToCut,
  });
  const run = new PieceRun(query, queryJson, plan.pieces, deadlineMs);
  if (!plan.parallel) return bySlice(query, slices, plan.pieces, plan.pieces.map((piece) => run.inline(piece)), deadlineMs);
  const group = pool.group();
  try {
    return bySlice(query, slices, plan.pieces, await run.onPool(pool, group), deadlineMs);
  } catch (error) {
    group.cancel(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

function runInline(query: Query, slice: SegmentSlice, deadlineMs: number): PartialResult {
  checkDeadline(deadlineMs);
  return runSegment(query, slice, deadlineMs);
}

/** The pieces' partials folded per slice, in piece order. */
function bySlice(query: Query, slices: readonly SegmentSlice[], pieces: readonly SegmentPiece[], partials: readonly PartialResult[], deadlineMs: number): PartialResult[] {
  const merged: (PartialResult | null)[] = slices.map(() => null);
  pieces.forEach((piece, index) => {
    const previous = merged[piece.sliceIndex]!;
    merged[piece.sliceIndex] = previous === null ? partials[index]! : mergePartials(query, previous, partials[index]!);
  });
  checkDeadline(deadlineMs);
  return merged.map((partial) => partial!);
}

/** One query's pieces on their way through the pool and this thread. */
class PieceRun {
  private queryText: string | null = null;
  private transferMode: PartialTransferMode | null = null;
  /** Per selection: the query running with it, and its serialization for workers (made on first need). */
  private readonly selected = new Map<RoaringBitmap32, { query: Query; bytes: Uint8Array | null }>();
  /** Per slice: the shared columns its worker pieces receive (loaded on first need). */
  private readonly sharedBySlice = new Map<number, readonly (readonly [string, SharedColumn])[]>();

  constructor(
    private readonly query: Query,
    private readonly queryJson: unknown,
    private readonly pieces: readonly SegmentPiece[],
    private readonly deadlineMs: number,
  ) {}

  /** Runs the piece on this thread. */
  inline(piece: SegmentPiece): PartialResult {
    checkDeadline(this.deadlineMs);
    return runSegment(this.queryFor(piece.selection), piece.slice, this.deadlineMs);
  }

  /**
   * Every piece's partial, in piece order. Workers get pieces from the front of the queue while idle,
   * this thread takes them from the back (and runs in-memory pieces), so both stay busy to the end.
   */
  async onPool(pool: QueryPool, group: TaskGroup): Promise<PartialResult[]> {
    const partials: (PartialResult | null)[] = this.pieces.map(() => null);
    const answers: (Promise<SegmentTaskAnswer> | null)[] = this.pieces.map(() => null);
    const queue: number[] = [];
    const here: number[] = [];
    this.pieces.forEach((piece, index) => (piece.file === null ? here : queue).push(index));
    const failure = failureSignal(this.deadlineMs);
    const feed = (): void => {
      try {
        while (queue.length > 0 && pool.idleWorkers > 0 && group.cancelled === null) {
          const index = queue.shift()!;
          const answer = pool.run(group, this.taskFor(this.pieces[index]!));
          answers[index] = answer;
          answer.then(feed, failure.reject);
        }
      } catch (error) {
        failure.reject(error);
      }
    };
    try {
      for (;;) {
        feed();
        const index = here.length > 0 ? here.shift() : queue.pop();
        if (index === undefined) break;
        partials[index] = this.inline(this.pieces[index]!);
        // Let finished workers' answers in, so they get the next pieces before this thread takes one.
        await Promise.race([nextTurn(), failure.promise]);
      }
      for (let index = 0; index < this.pieces.length; index++) {
        const answer = answers[index];
        if (answer !== null) partials[index] = this.partialOf(this.pieces[index]!, await Promise.race([answer!, failure.promise]));
      }
      // A failure while handing out the last pieces leaves them without a partial.
      if (failure.failed) await failure.promise;
      return partials.map((partial) => partial!);
    } finally {
      failure.dispose();
    }
  }

  private queryFor(selection: RoaringBitmap32 | null): Query {
    if (selection === null) return this.query;
    let entry = this.selected.get(selection);
    if (entry === undefined) this.selected.set(selection, (entry = { query: withSelection(this.query, selection), bytes: null }));
    return entry.query;
  }

  private taskFor(piece: SegmentPiece): Omit<SegmentTaskMessage, 'taskId'> {
    const segment = piece.slice.segment;
    let selection: Uint8Array | null = null;
    if (piece.selection !== null) {
      this.queryFor(piece.selection);
      const entry = this.selected.get(piece.selection)!;
      selection = entry.bytes ??= inSharedMemory(piece.selection.serialize('portable'));
    }
    let columns = this.sharedBySlice.get(piece.sliceIndex);
    if (columns === undefined) {
      columns = this.sharedColumns(segment as SegmentFile, piece.selection !== null);
      this.sharedBySlice.set(piece.sliceIndex, columns);
    }
    return {
      queryText: (this.queryText ??= JSON.stringify(this.queryJson)),
      transferMode: (this.transferMode ??= partialTransferModeOf(this.query)),
      segment: piece.file!,
      intervals: piece.slice.intervals,
      deadlineMs: this.deadlineMs,
      time: sharedTimeOf(segment.time()),
      columns,
      selection,
    };
  }

  /** Loads (decodes, on first use) the columns the query reads and shares them. */
  private sharedColumns(segment: SegmentFile, filterSelected: boolean): (readonly [string, SharedColumn])[] {
    const columns: (readonly [string, SharedColumn])[] = [];
    for (const name of columnsReadBy(this.query, this.queryJson, segment, filterSelected)) {
      const column = segment.column(name);
      const shared = column === undefined ? null : sharedColumnOf(column);
      if (shared !== null) columns.push([name, shared]);
    }
    return columns;
  }

  private partialOf(piece: SegmentPiece, answer: SegmentTaskAnswer): PartialResult {
    switch (answer.outcome) {
      case 'partial':
        return unpackPartial(answer.partial);
      case 'error':
        throw QueryPool.errorOf(answer);
      case 'unavailable':
        // The worker could not open the file; this thread still holds the segment the timeline gave.
        return this.inline(piece);
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise that rejects with the first failure reported, or with the timeout at the deadline. */
function failureSignal(deadlineMs: number): { promise: Promise<never>; readonly failed: boolean; reject(error: unknown): void; dispose(): void } {
  let timer: NodeJS.Timeout | null = null;
  let rejectPromise: (error: unknown) => void = () => undefined;
  let failed = false;
  const promise = new Promise<never>((_resolve, reject) => (rejectPromise = reject));
  const reject = (error: unknown): void => {
    failed = true;
    rejectPromise(error);
  };
  if (Number.isFinite(deadlineMs)) timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadlineMs - Date.now()) + 1);
  // Losing every race is the normal case; nobody awaits the promise then.
  promise.catch(() => undefined);
  return {
    promise,
    get failed() {
      return failed;
    },
    reject,
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
