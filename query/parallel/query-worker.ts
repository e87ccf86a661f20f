// A query worker's entry point: runs one segment task at a time and posts its partial back. Engines
// run synchronously, so a task holds the worker's thread until it finishes or hits its deadline.
import { parentPort, workerData } from 'node:worker_threads';
import { assert } from '../../cluster/errors.js';
import { parseQuery } from '../parse-query.js';
import type { Query } from '../query.js';
import { runSegment } from '../run-query.js';
import { deserialize } from '../../segment-format/bitmap-section.js';
import { packPartial } from './partial-transfer.js';
import { withSelection } from './selection-filter.js';
import { errorToRecord } from './worker-error.js';
import { WORKER_READY, type QueryWorkerData, type SegmentTaskAnswer, type SegmentTaskMessage } from './worker-protocol.js';
import { SegmentUnavailableError, WorkerSegmentCache } from './worker-segment-cache.js';

const parsedQueriesMax = 16;

const port = parentPort;
assert(port !== null, 'query-worker.ts runs as a worker thread');
const data = workerData as QueryWorkerData;
const segments = new WorkerSegmentCache(data.openSegmentsMax);
/** The tasks of one query arrive together; parse its text once. */
const parsedQueries = new Map<string, Query>();

function parsed(queryText: string): Query {
  let query = parsedQueries.get(queryText);
  if (query === undefined) {
    query = parseQuery(JSON.parse(queryText));
    if (parsedQueries.size >= parsedQueriesMax) parsedQueries.delete(parsedQueries.keys().next().value!);
    parsedQueries.set(queryText, query);
  }
  return query;
}

async function answer(task: SegmentTaskMessage): Promise<SegmentTaskAnswer> {
  try {
    const parsedQuery = parsed(task.queryText);
    const query = task.selection === null ? parsedQuery : withSelection(parsedQuery, deserialize(task.selection, 'row selection'));
    const segment = await segments.open(task.segment);
    segment.adopt(task.time, task.columns);
    const partial = runSegment(query, { segment, intervals: task.intervals }, task.deadlineMs);
    return { taskId: task.taskId, outcome: 'partial', partial: packPartial(partial, task.transferMode) };
  } catch (error) {
    if (error instanceof SegmentUnavailableError) return { taskId: task.taskId, outcome: 'unavailable', reason: error.message };
    return { taskId: task.taskId, outcome: 'error', error: errorToRecord(error) };
  }
}

/** A partial that cannot be cloned (an engine bug) becomes that task's error, not a worker crash. */
function post(message: SegmentTaskAnswer): void {
  try {
    port!.postMessage(message);
  } catch (error) {
    port!.postMessage({ taskId: message.taskId, outcome: 'error', error: errorToRecord(error) } satisfies SegmentTaskAnswer);
  }
}

port.on('message', (task: SegmentTaskMessage) => {
  void answer(task).then(post);
});

// Every module is loaded: tasks sent from now on start at once (see QueryPool's readiness).
port.postMessage(WORKER_READY);
