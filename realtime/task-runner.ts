// Runs batch ingestion tasks (Druid's `index` / `index_parallel`): spec → segment files in a work
// directory → deep storage → one metadata transaction that publishes them. A task that fails at any
// step publishes nothing; files pushed before the failure are unreferenced and removed. `compact`
// tasks go to realtime/compaction/ through the same submit/wait/progress API.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError } from '../cluster/errors.js';
import type { DeepStorage } from '../cluster/deep-storage.js';
import type { MetadataStore, SegmentRecord, TaskRecord } from '../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../cluster/segment-keys.js';
import { publishedSegmentRecord } from '../cluster/published-segment-record.js';
import type { SegmentInfo, TimeInterval } from '../segment-format/segment-metadata.js';
import { segmentIdOf } from '../segment-format/segment-metadata.js';
import { runBatchIngestion, type BatchIngestionResult } from './batch-ingestion.js';
import { upgradeOvershadowedSegments } from './compaction/appended-segment-upgrade.js';
import { isCompactionTaskJson, parseCompactionSpec, type CompactionSpec } from './compaction/compaction-spec.js';
import { runCompaction, type CompactionResult, type CompactionStage } from './compaction/compaction-task.js';
import { parseIndexTaskSpec, type IndexTaskSpec } from './index-task-spec.js';

export interface TaskRunnerOptions {
  readonly store: MetadataStore;
  readonly deepStorage: DeepStorage;
  /** Parent of per-task scratch directories. */
  readonly workDir: string;
  /** Called after a publish commits, so the process can load the new segments promptly. */
  readonly onPublished?: (segments: readonly SegmentRecord[]) => Promise<void> | void;
  readonly log?: { info(object: object, message?: string): void; error(object: object, message?: string): void };
  /** Test hook: called as a compaction passes each stage; a throw there fails it like a crash. */
  readonly onCompactionStage?: (taskId: string, stage: CompactionStage) => Promise<void> | void;
}

/** A compaction running in this process. */
export interface RunningCompaction {
  readonly taskId: string;
  readonly dataSource: string;
  readonly interval: TimeInterval;
}

export interface TaskProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly rowsProcessed: number;
}

export class TaskRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly progress = new Map<string, TaskProgress>();
  private readonly compactions = new Map<string, RunningCompaction>();

  constructor(private readonly options: TaskRunnerOptions) {}

  /** Validates and starts a task; returns its id at once. Bad specs throw invalid_input (nothing recorded). */
  async submit(json: unknown): Promise<string> {
    if (isCompactionTaskJson(json)) return this.submitCompaction(parseCompactionSpec(json));
    const spec = parseIndexTaskSpec(json);
    const id = taskIdOf(spec);
    await this.insertRunningTask(id, spec.type, spec.dataSource, spec.json);
    const run = this.run(id, spec).finally(() => {
      this.running.delete(id);
      this.progress.delete(id);
    });
    this.running.set(id, run);
    return id;
  }

  private async insertRunningTask(id: string, type: string, dataSource: string, spec: unknown): Promise<void> {
    await this.options.store.insertTask({ id, type, dataSource, state: 'RUNNING', createdMs: Date.now(), durationMs: null, errorMessage: null, spec, report: null });
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

  /** Compactions running in this process (the compaction duty skips their intervals). */
  runningCompactions(): RunningCompaction[] {
    return [...this.compactions.values()];
  }

  private async submitCompaction(spec: CompactionSpec): Promise<string> {
    const id = taskIdOf(spec);
    await this.insertRunningTask(id, 'compact', spec.dataSource, spec.json);
    this.compactions.set(id, { taskId: id, dataSource: spec.dataSource, interval: spec.interval });
    const run = this.runCompactionTask(id, spec).finally(() => {
      this.running.delete(id);
      this.progress.delete(id);
      this.compactions.delete(id);
    });
    this.running.set(id, run);
    return id;
  }

  private async runCompactionTask(id: string, spec: CompactionSpec): Promise<void> {
    const startedMs = Date.now();
    const { store, log, onCompactionStage } = this.options;
    try {
      const result = await runCompaction(spec, {
        store,
        deepStorage: this.options.deepStorage,
        workDir: join(this.options.workDir, id),
        onProgress: ({ rowsDone, rowsTotal }) => this.progress.set(id, { bytesRead: rowsDone, bytesTotal: rowsTotal, rowsProcessed: rowsDone }),
        ...(onCompactionStage === undefined ? {} : { onStage: (stage: CompactionStage) => onCompactionStage(id, stage) }),
      });
      await Promise.resolve(this.options.onPublished?.(result.published)).catch((error: unknown) => log?.error({ taskId: id, err: error }, 'post-publish hook failed'));
      await store.updateTask(id, { state: 'SUCCESS', durationMs: Date.now() - startedMs, report: compactionReportOf(id, result, null) });
      log?.info({ taskId: id, inputs: result.inputSegments, outputs: result.outputSegments, rows: result.outputRows }, 'compaction succeeded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log?.error({ taskId: id, err: error }, 'compaction failed');
      await store.updateTask(id, { state: 'FAILED', durationMs: Date.now() - startedMs, errorMessage: message, report: compactionReportOf(id, null, message) });
    }
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
      let records = await this.push(result);
      await store.publishSegments(records);
      // A compaction that published over these chunks after this task chose its version would hide
      // the appended rows: rewrite them under the newer version.
      if (spec.appendToExisting) records = await this.rescueHiddenAppends(records, workDir);
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

  private async rescueHiddenAppends(records: SegmentRecord[], workDir: string): Promise<SegmentRecord[]> {
    const upgraded = await upgradeOvershadowedSegments(records, { store: this.options.store, deepStorage: this.options.deepStorage, workDir: join(workDir, 'upgrades') });
    if (upgraded.length === 0) return records;
    return [...records, ...upgraded];
  }

  /** Pushes every segment file to deep storage; on failure removes what it pushed. */
  private async push(result: BatchIngestionResult): Promise<SegmentRecord[]> {
    const records: SegmentRecord[] = [];
    try {
      for (const segment of result.segments) {
        const key = deepStorageKeyOf(segment.info);
        await this.options.deepStorage.push(segment.path, key);
        records.push(publishedSegmentRecord(segment.info, key, segment.sizeBytes));
      }
      return records;
    } catch (error) {
      for (const record of records) await this.options.deepStorage.delete(record.deepStorageKey).catch(() => undefined);
      throw error;
    }
  }
}

function taskIdOf(spec: { type: string; dataSource: string }): string {
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

/**
 * The newest version among used segments overlapping the chunk, if any: appends join it, so they add
 * partitions beside what queries read (also when a compaction changed the chunk's granularity)
 * instead of overshadowing it or being overshadowed.
 */
function existingVersion(existing: readonly SegmentRecord[], interval: TimeInterval): string | null {
  let version: string | null = null;
  for (const record of existing) {
    if (overlaps(record.interval, interval) && (version === null || record.version > version)) version = record.version;
  }
  return version;
}

/** Druid's report shape, with the compaction's before/after figures in the payload. */
function compactionReportOf(taskId: string, result: CompactionResult | null, errorMessage: string | null): unknown {
  const { published: _published, ...figures } = result ?? { published: [] };
  return {
    ingestionStatsAndErrors: {
      type: 'ingestionStatsAndErrors',
      taskId,
      payload: {
        ingestionState: errorMessage === null ? 'COMPLETED' : 'BUILD_SEGMENTS',
        unparseableEvents: { buildSegments: [] },
        rowStats: { buildSegments: { processed: result?.inputRows ?? 0, processedBytes: result?.inputBytes ?? 0, processedWithError: 0, unparseable: 0, thrownAway: 0 } },
        errorMsg: errorMessage,
        segmentsPublished: result?.outputSegments ?? 0,
        compaction: result === null ? null : figures,
      },
    },
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
