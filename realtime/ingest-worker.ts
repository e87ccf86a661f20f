// Entry point of a batch ingestion worker thread: runs each IngestJob it is sent (one at a time) and
// answers with progress messages and one 'done' (partial index transferred, not copied) or 'failed'.
import { parentPort } from 'node:worker_threads';
import { SedimentError } from '../cluster/errors.js';
import type { IngestJob, IngestWorkerMessage } from './ingest-worker-protocol.js';
import { transferablesOf } from './partial-index.js';
import { ingestRanges } from './range-ingestion.js';

const PROGRESS_INTERVAL_MS = 200;

async function run(job: IngestJob): Promise<void> {
  const port = parentPort!;
  let lastProgressMs = 0;
  try {
    const result = await ingestRanges(job, (bytesRead, rowsProcessed) => {
      const nowMs = Date.now();
      if (nowMs - lastProgressMs < PROGRESS_INTERVAL_MS) return;
      lastProgressMs = nowMs;
      port.postMessage({ type: 'progress', bytesRead, rowsProcessed } satisfies IngestWorkerMessage);
    });
    port.postMessage({ type: 'done', result } satisfies IngestWorkerMessage, result.partial === null ? [] : transferablesOf(result.partial));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof SedimentError ? error.code : null;
    port.postMessage({ type: 'failed', message, code, stack: error instanceof Error ? (error.stack ?? null) : null } satisfies IngestWorkerMessage);
  }
}

parentPort?.on('message', (job: IngestJob) => void run(job));
