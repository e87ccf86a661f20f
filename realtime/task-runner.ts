// Runs batch ingestion tasks (Druid's `index` / `index_parallel`): spec → segment files in a work
// directory → deep storage → one metadata transaction that publishes them. A task that fails at any
// step publishes nothing; files pushed before the failure are unreferenced and removed.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError } from '../cluster/errors.js';
import type { DeepStorage } from '../cluster/deep-storage.js';
import type { MetadataStore, SegmentRecord, TaskRecord } from '../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../cluster/segment-keys.js';
import type { SegmentInfo, TimeInterval } from '../segment-format/segment-metadata.js';
import { segmentIdOf } from '../segment-format/segment-metadata.js';
import { runBatchIngestion, type BatchIngestionResult } from './batch-ingestion.js';
import { parseIndexTaskSpec, type IndexTaskSpec } from './index-task-spec.js';

export interface TaskRunnerOptions {
  readonly store: MetadataStore;
  readonly deepStorage: DeepStorage;
  /** Parent of per-task scratch directories. */
  readonly workDir: string;
  /** Called after a publish commits, so the process can load the new segments promptly. */
  readonly onPublished?: (segments: readonly SegmentRecord[]) => Promise<void> | void;
  readonly log?: { info(object: object, message?: string): void; error(object: object, message?: string): void };
}

export interface TaskProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly rowsProcessed: number;
}

export class TaskRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly progress = new Map<string, TaskProgress>();

  constructor(private readonly options: TaskRunnerOptions) {}

  /** Validates and starts a task; returns its id at once. Bad specs throw invalid_input (nothing recorded). */
  async submit(json: unknown): Promise<string> {
    const spec = parseIndexTaskSpec(json);
    const id = taskIdOf(spec);
    await this.options.store.insertTask({
      id,
      type: spec.type,
      dataSource: spec.dataSource,
      state: 'RUNNING',
      createdMs: Date.now(),
      durationMs: null,
      errorMessage: null,
      spec: spec.json,
      report: null,
    });
    const run = this.run(id, spec).finally(() => {
      this.running.delete(id);
      this.progress.delete(id);
    });
    this.running.set(id, run);
    return id;
  }

  /** Resolves when the task finishes (success or failure); immediately for unknown/finished tasks. */
  async waitFor(id: string): Promise<TaskRecord | undefined> {
    await this.running.get(id);
    return this.options.store.task(id);
  }

  /** Live progress of a running task. */
  progressOf(id: string): TaskProgress | undefined {
    return this.progress.get(id);
  }

  /** Tasks still running in this process. */
  runningTaskIds(): string[] {
    return [...this.running.keys()];
  }

  /** Waits for every running task. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(id: string, spec: IndexTaskSpec): Promise<void> {
    const startedMs = Date.now();
    const workDir = join(this.options.workDir, id);
    const { store, log } = this.options;
    try {
      await mkdir(workDir, { recursive: true });
      const existing = await store.usedSegments(spec.dataSource);
      const result = await runBatchIngestion(spec, {
        workDir,
        version: spec.appendToExisting
          ? (interval: TimeInterval) => existingVersion(existing, interval) ?? new Date(startedMs).toISOString()
          : new Date(startedMs).toISOString(),
        ...(spec.appendToExisting ? { partitionStart: (interval: TimeInterval) => nextPartition(existing, interval) } : {}),
        onProgress: (progress) => this.progress.set(id, progress),
      });
      const records = await this.push(result);
      await store.publishSegments(records);
      // Published is durable; loading is best effort here (the coordinator retries), but in the
      // all-in-one process it makes SUCCESS mean queryable.
      await Promise.resolve(this.options.onPublished?.(records)).catch((error: unknown) => log?.error({ taskId: id, err: error }, 'post-publish hook failed'));
      await store.updateTask(id, { state: 'SUCCESS', durationMs: Date.now() - startedMs, report: reportOf(id, result, null) });
      log?.info({ taskId: id, segments: records.length, rows: result.rowStats.processed }, 'task succeeded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log?.error({ taskId: id, err: error }, 'task failed');
      await store.updateTask(id, { state: 'FAILED', durationMs: Date.now() - startedMs, errorMessage: message, report: reportOf(id, null, message) });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Pushes every segment file to deep storage; on failure removes what it pushed. */
  private async push(result: BatchIngestionResult): Promise<SegmentRecord[]> {
    const records: SegmentRecord[] = [];
    try {
      for (const segment of result.segments) {
        const key = deepStorageKeyOf(segment.info);
        await this.options.deepStorage.push(segment.path, key);
        records.push(recordOf(segment.info, key, segment.sizeBytes));
      }
      return records;
    } catch (error) {
      for (const record of records) await this.options.deepStorage.delete(record.deepStorageKey).catch(() => undefined);
      throw error;
    }
  }
}

function taskIdOf(spec: IndexTaskSpec): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '');
  return `${spec.type}_${spec.dataSource}_${randomBytes(4).toString('hex')}_${stamp}`;
}

function overlaps(left: TimeInterval, right: TimeInterval): boolean {
  return left.startMs < right.endMs && right.startMs < left.endMs;
}

function nextPartition(existing: readonly SegmentRecord[], interval: TimeInterval): number {
  let next = 0;
  for (const record of existing) if (overlaps(record.interval, interval)) next = Math.max(next, record.partition + 1);
  return next;
}

/** The newest version of the chunk with exactly this interval, if one exists: appends join it. */
function existingVersion(existing: readonly SegmentRecord[], interval: TimeInterval): string | null {
  let version: string | null = null;
  for (const record of existing) {
    if (record.interval.startMs === interval.startMs && record.interval.endMs === interval.endMs) {
      if (version === null || record.version > version) version = record.version;
    }
  }
  return version;
}

function recordOf(info: SegmentInfo, key: string, sizeBytes: number): SegmentRecord {
  return {
    id: segmentIdOf(info),
    dataSource: info.dataSource,
    interval: info.interval,
    version: info.version,
    partition: info.partition,
    used: true,
    deepStorageKey: key,
    sizeBytes,
    info,
    createdMs: Date.now(),
  };
}

/** Druid's task report shape (`ingestionStatsAndErrors`). */
function reportOf(taskId: string, result: BatchIngestionResult | null, errorMessage: string | null): unknown {
  const rowStats = result?.rowStats ?? { processed: 0, processedBytes: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
  return {
    ingestionStatsAndErrors: {
      type: 'ingestionStatsAndErrors',
      taskId,
      payload: {
        ingestionState: errorMessage === null ? 'COMPLETED' : 'BUILD_SEGMENTS',
        unparseableEvents: { buildSegments: result?.parseExceptions ?? [] },
        rowStats: { buildSegments: rowStats },
        errorMsg: errorMessage,
        segmentsPublished: result?.segments.length ?? 0,
      },
    },
  };
}

export function assertTaskExists(task: TaskRecord | undefined, id: string): TaskRecord {
  if (task === undefined) throw new SedimentError('not_found', `Unknown task '${id}'.`);
  return task;
}
