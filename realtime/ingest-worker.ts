// Entry point of a batch ingestion worker thread: runs each request it is sent (one at a time). An
// ingest job answers with progress messages and one 'done' (partial index transferred, not copied);
// a column to encode (given as is, or as index storage to gather in the shared order) answers with
// 'encoded' (section bytes transferred); any request may answer 'failed'.
import { parentPort } from 'node:worker_threads';
import { SedimentError } from '../cluster/errors.js';
import { encodeColumn } from '../segment-format/column-encoder.js';
import { columnFromMessage, encodedColumnMessage } from '../segment-format/column-transfer.js';
import { SegmentFormatError } from '../segment-format/segment-format-error.js';
import { gatherColumn } from './column-gather.js';
import type { IngestJob, IngestWorkerMessage, IngestWorkerRequest } from './ingest-worker-protocol.js';
import { transferablesOf } from './partial-index.js';
import { ingestRanges } from './range-ingestion.js';

const PROGRESS_INTERVAL_MS = 200;

async function ingest(job: IngestJob): Promise<void> {
  const port = parentPort!;
  let lastProgressMs = 0;
  const result = await ingestRanges(job, (bytesRead, rowsProcessed) => {
    const nowMs = Date.now();
    if (nowMs - lastProgressMs < PROGRESS_INTERVAL_MS) return;
    lastProgressMs = nowMs;
    port.postMessage({ type: 'progress', bytesRead, rowsProcessed } satisfies IngestWorkerMessage);
  });
  port.postMessage({ type: 'done', result } satisfies IngestWorkerMessage, result.partial === null ? [] : transferablesOf(result.partial));
}

function encode(request: Exclude<IngestWorkerRequest, { type: 'ingest' }>): void {
  const encoded =
    request.type === 'encodeColumn'
      ? encodeColumn(request.name, columnFromMessage(request.column), request.rowCount)
      : encodeColumn(request.name, gatherColumn(request.storage, new Uint32Array(request.order, request.start * 4, request.end - request.start)), request.end - request.start);
  const { message, transferList } = encodedColumnMessage(encoded);
  parentPort!.postMessage({ type: 'encoded', encoded: message } satisfies IngestWorkerMessage, transferList);
}

async function run(request: IngestWorkerRequest): Promise<void> {
  try {
    if (request.type === 'ingest') await ingest(request.job);
    else encode(request);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof SedimentError || error instanceof SegmentFormatError ? error.code : null;
    parentPort!.postMessage({ type: 'failed', message, code, stack: error instanceof Error ? (error.stack ?? null) : null } satisfies IngestWorkerMessage);
  }
}

parentPort?.on('message', (request: IngestWorkerRequest) => void run(request));
