// Entry point of a batch ingestion worker thread: runs each request it is sent (one at a time). An
// ingest job answers with progress messages and one 'done' (partial index transferred, not copied);
// a column to encode (given as is, or as index storage to gather in the shared order) answers with
// 'encoded' (section bytes transferred); any request may answer 'failed'.
import { parentPort } from 'node:worker_threads';
import { SedimentError } from '../cluster/errors.js';
import { encodeColumn } from '../segment-format/column-encoder.js';
import { columnFromMessage, encodedColumnMessage } from '../segment-format/column-transfer.js';
import { ScratchMemory } from '../segment-format/scratch-memory.js';
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

/** Released this long after the last encode, so an idle worker gives its scratch memory back. */
const SCRATCH_KEPT_MS = 5_000;
let scratch: ScratchMemory | null = null;
let scratchRelease: NodeJS.Timeout | null = null;

/**
 * Buffers for the encoders' temporaries, kept from column to column: a final segment's columns are
 * millions of rows, and fresh memory for each would cost more than encoding it.
 */
function scratchMemory(): ScratchMemory {
  scratch ??= new ScratchMemory();
  scratchRelease?.refresh();
  scratchRelease ??= setTimeout(() => {
    scratch = null;
    scratchRelease = null;
  }, SCRATCH_KEPT_MS).unref();
  return scratch;
}

function encode(request: Exclude<IngestWorkerRequest, { type: 'ingest' }>): void {
  const memory = scratchMemory();
  const encoded =
    request.type === 'encodeColumn'
      ? encodeColumn(request.name, columnFromMessage(request.column), request.rowCount, memory)
      : encodeColumn(request.name, gatherColumn(request.storage, new Uint32Array(request.order, request.start * 4, request.end - request.start), memory), request.end - request.start, memory);
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
