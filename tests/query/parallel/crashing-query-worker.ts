// A query worker for tests: the real one, except that a task whose query context holds
// "crashWorker" kills the worker and one holding "hangWorker" spins forever (a stuck engine).
import { parentPort } from 'node:worker_threads';
import '../../../query/parallel/query-worker.js';
import type { SegmentTaskMessage } from '../../../query/parallel/worker-protocol.js';

parentPort?.on('message', (task: SegmentTaskMessage) => {
  if (task.queryText.includes('"crashWorker"')) process.exit(7);
  if (task.queryText.includes('"hangWorker"')) for (;;);
});
