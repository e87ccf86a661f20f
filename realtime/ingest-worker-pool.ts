// Worker threads for parallel batch ingestion, kept between tasks (starting one and compiling its
// modules costs more than a small input takes to read). Idle workers do not keep the process alive.
import { Worker } from 'node:worker_threads';
import { SedimentError, type ErrorCode } from '../cluster/errors.js';
import type { IngestJob, IngestJobResult, IngestWorkerMessage } from './ingest-worker-protocol.js';

/** A worker died (crashed, ran out of memory, failed to start) rather than failing its job. */
export class IngestWorkerCrash extends Error {}

const defaultEntry = new URL(import.meta.url.endsWith('.ts') ? './ingest-worker.ts' : './ingest-worker.js', import.meta.url);

export class IngestWorkerPool {
  private readonly idle: Worker[] = [];

  constructor(
    /** Idle workers kept; more are stopped when their job ends. */
    private readonly idleMax: number,
    private readonly entry: URL = defaultEntry,
  ) {}

  /** Starts idle workers up to `count` (at most idleMax), so a first task does not wait for them to boot. */
  warm(count: number): void {
    while (this.idle.length < Math.min(count, this.idleMax)) {
      const worker = startWorker(this.entry);
      worker.unref();
      // A worker that dies while idle is dropped; the next job starts a fresh one.
      worker.once('exit', () => {
        const position = this.idle.indexOf(worker);
        if (position >= 0) this.idle.splice(position, 1);
      });
      worker.on('error', () => {});
      this.idle.push(worker);
    }
  }

  /**
   * Runs the job on a worker. Rejects with the job's error (a SedimentError keeps its code), an
   * IngestWorkerCrash, or the signal's reason (the worker is then stopped).
   */
  run(job: IngestJob, onProgress: (bytesRead: number, rowsProcessed: number) => void, signal: AbortSignal): Promise<IngestJobResult> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const worker = this.idle.pop() ?? startWorker(this.entry);
    worker.ref();
    return new Promise<IngestJobResult>((resolve, reject) => {
      const settle = (keepWorker: boolean): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        if (keepWorker && this.idle.length < this.idleMax) {
          worker.unref();
          this.idle.push(worker);
        } else {
          void worker.terminate();
        }
      };
      const onMessage = (message: IngestWorkerMessage): void => {
        if (message.type === 'progress') return onProgress(message.bytesRead, message.rowsProcessed);
        settle(true);
        if (message.type === 'done') resolve(message.result);
        else reject(jobError(message));
      };
      const onError = (error: Error): void => {
        settle(false);
        reject(new IngestWorkerCrash(`ingestion worker failed: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number): void => {
        settle(false);
        reject(new IngestWorkerCrash(`ingestion worker exited with code ${code}`));
      };
      const onAbort = (): void => {
        settle(false);
        reject(signal.reason);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal.addEventListener('abort', onAbort);
      worker.postMessage(job);
    });
  }
}

function jobError(message: Extract<IngestWorkerMessage, { type: 'failed' }>): Error {
  const error = message.code === null ? new Error(message.message) : new SedimentError(message.code as ErrorCode, message.message);
  if (message.stack !== null) error.stack = message.stack;
  return error;
}

/**
 * A worker on the entry module. A TypeScript entry (tests and `tsx` runs from source) needs tsx's
 * loader, which a worker does not pick up from the parent's --import on Node 20, so it registers it first.
 */
function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { name: 'sediment-ingest' });
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, name: 'sediment-ingest' });
}
