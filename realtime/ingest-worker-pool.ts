// Worker threads for parallel batch ingestion, kept between tasks (starting one and compiling its
// modules costs more than a small input takes to read). Idle workers do not keep the process alive.
import { Worker } from 'node:worker_threads';
import { SedimentError, type ErrorCode } from '../cluster/errors.js';
import type { Transfer, TransferredColumn } from '../segment-format/column-transfer.js';
import type { EncodedColumn } from '../segment-format/encoded-column.js';
import { SegmentFormatError, type SegmentFormatErrorCode } from '../segment-format/segment-format-error.js';
import type { ColumnStorage } from './column-gather.js';
import type { IngestJob, IngestJobResult, IngestWorkerMessage, IngestWorkerRequest } from './ingest-worker-protocol.js';
import { transferablesOf } from './partial-index.js';

/** A worker died (crashed, ran out of memory, failed to start) rather than failing its job. */
export class IngestWorkerCrash extends Error {}

const SEGMENT_FORMAT_CODES: ReadonlySet<string> = new Set<SegmentFormatErrorCode>(['corrupt_segment', 'invalid_segment_input']);

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
    // A recycled partial's storage moves to the worker (this thread must not read it any more).
    const transferList = job.recycled === null ? [] : transferablesOf(job.recycled);
    return this.request({ type: 'ingest', job }, transferList, signal, (message) => {
      if (message.type === 'progress') {
        onProgress(message.bytesRead, message.rowsProcessed);
        return undefined;
      }
      return message.type === 'done' ? { value: message.result } : undefined;
    });
  }

  /**
   * encodeColumn(name, column, rowCount) on a worker; `column` comes from columnMessage (its
   * transferred arrays are gone from this thread). Rejects like run(); a SegmentFormatError keeps its code.
   */
  encodeColumn(name: string, column: Transfer<TransferredColumn>, rowCount: number, signal: AbortSignal): Promise<EncodedColumn> {
    return this.encodeRequest({ type: 'encodeColumn', name, column: column.message, rowCount }, column.transferList, signal);
  }

  /**
   * encodeColumn(name, gatherColumn(storage, order[start, end)), end - start) on a worker. The
   * storage's arrays are copied (or moved when listed in `transferList`); `order` is shared.
   */
  gatherColumn(name: string, storage: Transfer<ColumnStorage>, order: SharedArrayBuffer, start: number, end: number, signal: AbortSignal): Promise<EncodedColumn> {
    return this.encodeRequest({ type: 'gatherColumn', name, storage: storage.message, order, start, end }, storage.transferList, signal);
  }

  private encodeRequest(request: IngestWorkerRequest, transferList: ArrayBuffer[], signal: AbortSignal): Promise<EncodedColumn> {
    return this.request(request, transferList, signal, (message) => (message.type === 'encoded' ? { value: message.encoded } : undefined));
  }

  /** Sends one request to an idle (or new) worker; `settles` picks the answer out of its messages. */
  private request<T>(
    request: IngestWorkerRequest,
    transferList: ArrayBuffer[],
    signal: AbortSignal,
    settles: (message: IngestWorkerMessage) => { value: T } | undefined,
  ): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const worker = this.idle.pop() ?? startWorker(this.entry);
    worker.ref();
    return new Promise<T>((resolve, reject) => {
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
        if (message.type === 'failed') {
          settle(true);
          reject(jobError(message));
          return;
        }
        const answer = settles(message);
        if (answer === undefined) return;
        settle(true);
        resolve(answer.value);
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
      try {
        worker.postMessage(request, transferList);
      } catch (error) {
        settle(true);
        reject(error);
      }
    });
  }
}

function jobError(message: Extract<IngestWorkerMessage, { type: 'failed' }>): Error {
  const error =
    message.code === null
      ? new Error(message.message)
      : SEGMENT_FORMAT_CODES.has(message.code)
        ? new SegmentFormatError(message.code as SegmentFormatErrorCode, message.message)
        : new SedimentError(message.code as ErrorCode, message.message);
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
