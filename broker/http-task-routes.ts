// Druid's indexing-service task API: submit, status, report, listing.
import type { FastifyInstance } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import type { TaskRecord } from '../cluster/metadata-store.js';

/** What the HTTP layer needs from whatever runs tasks (the all-in-one process wires the TaskRunner). */
export interface TaskApi {
  /** Validates and starts a task; throws invalid_input for a bad spec. */
  submit(spec: unknown): Promise<string>;
  task(id: string): Promise<TaskRecord | undefined>;
  tasks(): Promise<TaskRecord[]>;
  /** Rows processed so far by a running task, if known. */
  progressOf(id: string): { rowsProcessed: number; bytesRead: number; bytesTotal: number } | undefined;
}

export function taskRoutes(app: FastifyInstance, tasks: TaskApi): void {
  const base = '/druid/indexer/v1';
  app.post(`${base}/task`, async (request) => {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new SedimentError('invalid_input', 'The request body must be a JSON task spec object.');
    }
    return { task: await tasks.submit(request.body) };
  });
  app.get<{ Params: { id: string } }>(`${base}/task/:id/status`, async (request) => {
    const task = await found(tasks, request.params.id);
    return { task: task.id, status: statusJson(task, tasks.progressOf(task.id)) };
  });
  app.get<{ Params: { id: string } }>(`${base}/task/:id/reports`, async (request) => {
    const task = await found(tasks, request.params.id);
    if (task.report === null) throw new SedimentError('not_found', `Task '${task.id}' has no report yet.`);
    return task.report;
  });
  app.get<{ Params: { id: string } }>(`${base}/task/:id`, async (request) => {
    const task = await found(tasks, request.params.id);
    return { task: task.id, payload: task.spec };
  });
  app.get<{ Querystring: { state?: string; datasource?: string } }>(`${base}/tasks`, async (request) => {
    const { state, datasource } = request.query;
    return (await tasks.tasks())
      .filter((task) => datasource === undefined || task.dataSource === datasource)
      .filter((task) => state === undefined || druidState(task) === state.toLowerCase())
      .map((task) => statusJson(task, tasks.progressOf(task.id)));
  });
}

async function found(tasks: TaskApi, id: string): Promise<TaskRecord> {
  const task = await tasks.task(id);
  if (task === undefined) throw new SedimentError('not_found', `Unknown task '${id}'.`);
  return task;
}

function druidState(task: TaskRecord): string {
  return task.state === 'RUNNING' ? 'running' : 'complete';
}

/** Druid's TaskStatusPlus JSON. */
function statusJson(task: TaskRecord, progress: { rowsProcessed: number } | undefined): unknown {
  const created = new Date(task.createdMs).toISOString();
  return {
    id: task.id,
    type: task.type,
    createdTime: created,
    queueInsertionTime: created,
    statusCode: task.state,
    status: task.state,
    runnerStatusCode: task.state === 'RUNNING' ? 'RUNNING' : 'NONE',
    duration: task.durationMs ?? -1,
    location: { host: null, port: -1, tlsPort: -1 },
    dataSource: task.dataSource,
    errorMsg: task.errorMessage,
    ...(progress === undefined ? {} : { rowsProcessed: progress.rowsProcessed }),
  };
}
