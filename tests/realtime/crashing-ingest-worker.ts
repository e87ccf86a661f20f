// A batch ingestion worker entry for tests: the real worker (realtime/ingest-worker.ts), except that
// it dies, as a crashed worker does (exit code 3), on the ingest jobs of rounds starting in
// [crashFromChunk, crashToChunk), given as SEDIMENT_TEST_CRASH_CHUNKS="N,M" in its environment.
import { parentPort } from 'node:worker_threads';
import '../../realtime/ingest-worker.js';
import type { IngestWorkerRequest } from '../../realtime/ingest-worker-protocol.js';

const [crashFromChunk, crashToChunk] = (process.env['SEDIMENT_TEST_CRASH_CHUNKS'] ?? 'Infinity,Infinity').split(',').map(Number) as [number, number];

// Registered in the same turn as the real worker's listener (a message arriving between the two
// would reach only the first), and after it: the job has started, and dies before its first read.
// The shared counter holds the round's first chunk plus the claims made so far, so the window is
// approximate; a test relies only on some round past the first crashing.
parentPort!.on('message', (request: IngestWorkerRequest) => {
  if (request.type !== 'ingest') return;
  const chunk = Atomics.load(new Int32Array(request.job.nextChunk), 0);
  if (chunk >= crashFromChunk && chunk < crashToChunk) process.exit(3);
});
