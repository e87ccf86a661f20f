// Druid's supervisor status report (`GET /druid/indexer/v1/supervisor/{id}/status`), plus Sediment's
// row counts and parse errors. With one topic, offsets are keyed by partition number as in Druid;
// with a topic pattern, by "topic:partition".
import type { SupervisorState } from '../../cluster/ingestion-metadata-store.js';
import { parsePartitionKey } from './record-source.js';
import type { RealtimeTaskStatus } from './realtime-task.js';
import type { Supervisor } from './supervisor.js';

export interface SupervisorStatusInput {
  readonly supervisor: Supervisor;
  readonly state: SupervisorState;
  readonly latestOffsets: Map<string, number> | null;
}

function offsetsJson(offsets: Iterable<[string, number]>, singleTopic: boolean): Record<string, number> {
  const json: Record<string, number> = {};
  for (const [key, offset] of offsets) json[singleTopic ? String(parsePartitionKey(key).partition) : key] = offset;
  return json;
}

function druidState(input: SupervisorStatusInput, tasks: readonly RealtimeTaskStatus[]): { state: string; detailedState: string; healthy: boolean } {
  if (input.state === 'SUSPENDED') return { state: 'SUSPENDED', detailedState: 'SUSPENDED', healthy: true };
  if (input.state === 'TERMINATED') return { state: 'STOPPING', detailedState: 'STOPPING', healthy: true };
  if (input.supervisor.streamError !== null) return { state: 'UNHEALTHY_SUPERVISOR', detailedState: 'UNABLE_TO_CONNECT_TO_STREAM', healthy: false };
  if (tasks.some((task) => task.offsetsUnavailable)) return { state: 'UNHEALTHY_TASKS', detailedState: 'OFFSETS_UNAVAILABLE', healthy: false };
  if (tasks.some((task) => task.state === 'FAILED')) return { state: 'UNHEALTHY_TASKS', detailedState: 'UNHEALTHY_TASKS', healthy: false };
  if (tasks.length === 0 || tasks.some((task) => task.state === 'STARTING')) return { state: 'PENDING', detailedState: 'CREATING_TASKS', healthy: true };
  return { state: 'RUNNING', detailedState: 'RUNNING', healthy: true };
}

export function supervisorStatusJson(input: SupervisorStatusInput): unknown {
  const { supervisor, latestOffsets } = input;
  const spec = supervisor.spec;
  const singleTopic = spec.ioConfig.topic !== null;
  const tasks = supervisor.taskStatuses();
  const lag = new Map<string, number>();
  for (const task of tasks) {
    for (const [key, offset] of Object.entries(task.currentOffsets)) {
      const latest = latestOffsets?.get(key);
      if (latest !== undefined) lag.set(key, Math.max(0, latest - offset));
    }
  }
  const rowStats = { processed: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
  for (const task of tasks) for (const name of Object.keys(rowStats) as (keyof typeof rowStats)[]) rowStats[name] += task.rowStats[name];
  const nowMs = Date.now();
  return {
    id: spec.id,
    generationTime: new Date(nowMs).toISOString(),
    payload: {
      dataSource: spec.dataSchema.dataSource,
      stream: supervisor.streamName(),
      partitions: supervisor.partitions.length,
      replicas: spec.ioConfig.replicas,
      durationSeconds: Math.round(spec.ioConfig.taskDurationMs / 1000),
      activeTasks: tasks.map((task) => ({
        id: task.id,
        state: task.state,
        startingOffsets: offsetsJson(Object.entries(task.startingOffsets), singleTopic),
        startTime: new Date(task.startTimeMs).toISOString(),
        remainingSeconds: null,
        type: 'ACTIVE',
        currentOffsets: offsetsJson(Object.entries(task.currentOffsets), singleTopic),
        lag: offsetsJson([...lag].filter(([key]) => task.partitions.includes(key)), singleTopic),
        publishingSequences: task.publishing,
        segmentsPublished: task.segmentsPublished,
        pendingHandoffs: task.pendingHandoffs,
        rowStats: task.rowStats,
        errorMsg: task.errorMessage,
      })),
      publishingTasks: [],
      latestOffsets: latestOffsets === null ? null : offsetsJson(latestOffsets, singleTopic),
      minimumLag: offsetsJson(lag, singleTopic),
      aggregateLag: [...lag.values()].reduce((total, value) => total + value, 0),
      offsetsLastUpdated: new Date(nowMs).toISOString(),
      suspended: input.state === 'SUSPENDED',
      ...druidState(input, tasks),
      recentErrors: supervisor.recentErrors.map((error) => ({ timestamp: new Date(error.timestampMs).toISOString(), exceptionClass: 'SedimentError', message: error.message })),
      rowStats,
      parseErrors: tasks.flatMap((task) => task.parseErrors).slice(0, 50),
    },
  };
}
