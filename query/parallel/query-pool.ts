// A pool of worker threads that run segment tasks, so a query uses every core and the main thread's
// event loop stays free (an HTTP server keeps answering /status/health during a long query).
//
// The main thread decodes the columns a query reads and shares them with the workers (see
// shared-columns.ts), so the process holds one copy of each column. Workers open segment files by
// path too, but only for their metadata and the parts read lazily (bitmap indexes, see
// shared-columns-segment.ts). The main thread runs pieces of the query itself while the workers run
// theirs (run-query-parallel.ts), so a pool of N workers spreads a query over N + 1 threads.
//
// Idle workers are unref'd, so the pool never keeps a process alive; a busy one is ref'd, so a
// process awaiting a query does not exit under it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SedimentError, assert } from '../../cluster/errors.js';
import { errorFromRecord } from './worker-error.js';
import { WORKER_READY, type QueryWorkerData, type SegmentTaskAnswer, type SegmentTaskMessage } from './worker-protocol.js';

export interface QueryPoolOptions {
  /** Worker threads beside the calling thread; 0 means none (callers run everything inline). */
  readonly workerCount: number;
  /**
   * A segment slice is cut into row ranges of at least this many (selected) rows, and a query reading
   * fewer than twice this many runs on the calling thread alone (default 100,000; see run-query-parallel.ts).
   */
  readonly minRowsPerPiece?: number;
  /** Segment files each worker keeps open with the columns shared for them (default 64). */
  readonly openSegmentsPerWorkerMax?: number;
  /** How long a worker may go on with a cancelled (e.g. timed-out) task before it is terminated and replaced (default 1000). */
  readonly overrunGraceMs?: number;
  /** The worker's entry module; tests substitute a failing one. */
  readonly workerEntry?: URL;
}

/** The tasks of one query: cancelling it drops its queued tasks and stops waiting for its running ones. */
export class TaskGroup {
  private cancelledReason: Error | null = null;
  /** @internal Called with the reason when the group is cancelled. */
  onCancel: ((reason: Error) => void) | null = null;

  /** The reason the group was cancelled, or null. */
  get cancelled(): Error | null {
    return this.cancelledReason;
  }

  /** Idempotent; running tasks get `overrunGraceMs` to finish before their worker is replaced. */
  cancel(reason: Error): void {
    if (this.cancelledReason !== null) return;
    this.cancelledReason = reason;
    this.onCancel?.(reason);
  }
}

interface PendingTask {
  readonly message: SegmentTaskMessage;
  readonly group: TaskGroup;
  readonly resolve: (answer: SegmentTaskAnswer) => void;
  readonly reject: (error: Error) => void;
}

interface WorkerSlot {
  readonly worker: Worker;
  task: PendingTask | null;
  overrunTimer: NodeJS.Timeout | null;
  /** Set once the worker errored or exited; the slot takes no more tasks. */
  dead: boolean;
  /** Set when the worker reports its modules loaded; only ready workers are handed tasks. */
  ready: boolean;
}

const defaultEntry = new URL(import.meta.url.endsWith('.ts') ? './query-worker.ts' : './query-worker.js', import.meta.url);

export class QueryPool {
  readonly workerCount: number;
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: PendingTask[] = [];
  private nextTaskId = 1;
  private closed = false;

  constructor(private readonly options: QueryPoolOptions) {
    assert(Number.isSafeInteger(options.workerCount) && options.workerCount >= 0, 'query pool workerCount is a non-negative integer');
    this.workerCount = options.workerCount;
  }

  /** See QueryPoolOptions.minRowsPerPiece; undefined for the default. */
  get minRowsPerPiece(): number | undefined {
    return this.options.minRowsPerPiece;
  }

  /** True when tasks run on workers; false means callers should run inline. */
  get parallel(): boolean {
    return this.workerCount > 0 && !this.closed;
  }

  /**
   * Workers that would start a task sent now at once: ready and idle ones, less queued tasks. A
   * worker still booting (~0.3 s, e.g. just after a restart) is not counted, so callers run that
   * share themselves instead of waiting for it; asking starts any worker not started yet.
   */
  get idleWorkers(): number {
    if (!this.parallel) return 0;
    this.warm();
    let idle = 0;
    for (const slot of this.slots) if (slot.ready && !slot.dead && slot.task === null) idle++;
    return Math.max(0, idle - this.queue.length);
  }

  /** Starts the workers now instead of on the first task (saves the first query their start-up). */
  warm(): void {
    while (this.parallel && this.slots.length < this.workerCount) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has started and loaded its modules (tests; a warm-up before a benchmark). */
  async ready(): Promise<void> {
    this.warm();
    while (this.parallel && this.slots.some((slot) => !slot.ready && !slot.dead)) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** A new group for one query's tasks. */
  group(): TaskGroup {
    const group = new TaskGroup();
    group.onCancel = () => this.cancelGroup(group);
    return group;
  }

  /**
   * Runs a task on the next free worker. Resolves with the worker's answer (a task's own error
   * comes back as an 'error' answer); rejects when the worker crashes or the group is cancelled.
   */
  run(group: TaskGroup, task: Omit<SegmentTaskMessage, 'taskId'>): Promise<SegmentTaskAnswer> {
    if (!this.parallel) return Promise.reject(new SedimentError('internal', 'assertion failed: a task was sent to a query pool without workers'));
    if (group.cancelled !== null) return Promise.reject(group.cancelled);
    return new Promise((resolve, reject) => {
      this.queue.push({ message: { ...task, taskId: this.nextTaskId++ }, group, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new SedimentError('internal', 'the query pool was closed');
    for (const task of this.queue.splice(0)) task.reject(closing);
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, closing)));
  }

  /** Errors a worker's answer as the error the inline path would have thrown. */
  static errorOf(answer: Extract<SegmentTaskAnswer, { outcome: 'error' }>): Error {
    return errorFromRecord(answer.error);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      // A booting worker is not handed tasks yet; it asks for them once ready (onReady).
      this.warm();
      const slot = this.slots.find((candidate) => candidate.ready && !candidate.dead && candidate.task === null);
      if (slot === undefined) return;
      const task = this.queue.shift()!;
      if (task.group.cancelled !== null) {
        task.reject(task.group.cancelled);
        continue;
      }
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage(task.message);
    }
  }

  private spawn(): WorkerSlot {
    const workerData: QueryWorkerData = { openSegmentsMax: this.options.openSegmentsPerWorkerMax ?? 64 };
    const worker = startWorker(this.options.workerEntry ?? defaultEntry, workerData);
    const slot: WorkerSlot = { worker, task: null, overrunTimer: null, dead: false, ready: false };
    worker.on('message', (answer: SegmentTaskAnswer | typeof WORKER_READY) => {
      if (answer === WORKER_READY) {
        slot.ready = true;
        this.dispatch();
      } else {
        this.onAnswer(slot, answer);
      }
    });
    worker.on('error', (error) => this.onDeath(slot, new SedimentError('internal', `a query worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.onDeath(slot, new SedimentError('internal', `a query worker exited (code ${code}) while running a segment task`)));
    // After the listeners: adding a 'message' listener refs the worker's port again (Node 20), so a
    // worker unref'd before it would keep the process alive until it ran its first task.
    worker.unref();
    return slot;
  }

  private onAnswer(slot: WorkerSlot, answer: SegmentTaskAnswer): void {
    const task = slot.task;
    if (task === null || task.message.taskId !== answer.taskId) return;
    this.finish(slot);
    if (task.group.cancelled !== null) task.reject(task.group.cancelled);
    else task.resolve(answer);
    this.dispatch();
  }

  /** A crashed, exited or terminated worker: fail its task, drop the slot, let dispatch start a new one. */
  private onDeath(slot: WorkerSlot, error: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    const task = slot.task;
    this.finish(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate();
    task?.reject(task.group.cancelled ?? error);
    if (!this.closed) this.dispatch();
  }

  private finish(slot: WorkerSlot): void {
    if (slot.overrunTimer !== null) clearTimeout(slot.overrunTimer);
    slot.overrunTimer = null;
    slot.task = null;
    slot.worker.unref();
  }

  private cancelGroup(group: TaskGroup): void {
    const reason = group.cancelled!;
    for (let index = this.queue.length - 1; index >= 0; index--) {
      if (this.queue[index]!.group === group) this.queue.splice(index, 1)[0]!.reject(reason);
    }
    const graceMs = this.options.overrunGraceMs ?? 1_000;
    for (const slot of this.slots) {
      if (slot.task?.group !== group || slot.overrunTimer !== null) continue;
      // Engines check the deadline themselves; a worker still busy after the grace is stuck, so replace it.
      slot.overrunTimer = setTimeout(() => void this.retire(slot, reason), graceMs);
      slot.overrunTimer.unref();
    }
  }

  private async retire(slot: WorkerSlot, reason: Error): Promise<void> {
    this.onDeath(slot, reason);
    await slot.worker.terminate();
  }
}

/**
 * A worker on the entry module. A TypeScript entry (tests and `tsx` runs from source) needs tsx's
 * loader, which a worker does not pick up from the parent's --import on Node 20, so it registers it first.
 */
function startWorker(entry: URL, workerData: QueryWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, name: 'sediment-query' });
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, name: 'sediment-query' });
}

/**
 * Worker count from SEDIMENT_QUERY_WORKERS: "auto" (the default) is one per core beside the calling
 * thread, which takes pieces too; 0 runs inline. On by default since a quiet 2-core bench run
 * (`node dist/bench/main.js --scale 0.1 --runs 7`) measured geometric means vs DuckDB of 0.70 events
 * and 0.71 devops with workers against 0.78 and 0.77 inline (double-groupby-all 1.60 vs 2.41).
 */
export function defaultWorkerCount(): number {
  const configured = (process.env['SEDIMENT_QUERY_WORKERS'] ?? '').trim();
  if (configured === '' || configured === 'auto') return availableParallelism() - 1;
  const count = Number(configured);
  if (Number.isSafeInteger(count) && count >= 0) return count;
  throw new SedimentError('invalid_input', `SEDIMENT_QUERY_WORKERS must be a non-negative integer or "auto", got "${configured}"`);
}

let shared: QueryPool | null = null;

/** The process's pool, created on first use with defaultWorkerCount() workers. */
export function sharedQueryPool(): QueryPool {
  shared ??= new QueryPool({ workerCount: defaultWorkerCount() });
  return shared;
}
