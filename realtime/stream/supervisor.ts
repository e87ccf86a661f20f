// One running supervisor: spreads the stream's partitions over `taskCount` tasks, starts them at the
// committed offsets, and restarts a failed task after a backoff (re-reading from the committed
// offsets). A task that failed because its offsets are gone is not restarted: only a reset helps.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../cluster/logger.js';
import type { RecordSource } from './record-source.js';
import { RealtimeTask, type RealtimeTaskDependencies, type RealtimeTaskStatus } from './realtime-task.js';
import type { SupervisorSpec } from './supervisor-spec.js';

export type SourceFactory = (spec: SupervisorSpec, name: string) => RecordSource;

export interface SupervisorDependencies extends RealtimeTaskDependencies {
  readonly sourceFor: SourceFactory;
  /** First restart delay after a task failure; doubles per consecutive failure up to 30 s. */
  readonly restartDelayMs?: number;
  readonly log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

const RECENT_ERRORS_MAX = 10;
const RESTART_DELAY_MAX_MS = 30_000;

export class Supervisor {
  private readonly tasks = new Map<number, RealtimeTask>();
  private readonly restartTimers = new Map<number, NodeJS.Timeout>();
  private readonly failures = new Map<number, number>();
  private running = false;
  private partitionKeys: string[] = [];
  private discovery: RecordSource | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Newest last, bounded. */
  readonly recentErrors: { timestampMs: number; message: string }[] = [];
  /** Set while the stream cannot be reached; null when it can. */
  streamError: string | null = null;

  constructor(
    readonly spec: SupervisorSpec,
    private readonly dependencies: SupervisorDependencies,
  ) {}

  get partitions(): readonly string[] {
    return this.partitionKeys;
  }

  /** Starts the tasks (returns at once; stream discovery retries in the background). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.discoverAndStart();
  }

  private async discoverAndStart(): Promise<void> {
    try {
      this.discovery ??= this.dependencies.sourceFor(this.spec, `${this.spec.id}-status`);
      const partitions = await this.discovery.partitions();
      if (partitions.length === 0) throw new Error(`no partitions found for ${this.streamName()}`);
      this.streamError = null;
      if (!this.running) return;
      this.partitionKeys = partitions;
      for (let group = 0; group < Math.min(this.spec.ioConfig.taskCount, partitions.length); group++) this.startTask(group);
    } catch (error) {
      this.streamError = `unable to reach the stream: ${(error as Error).message}`;
      this.noteError(this.streamError);
      if (this.running) this.retryTimer = setTimeout(() => void this.discoverAndStart(), 2_000).unref();
    }
  }

  streamName(): string {
    return this.spec.ioConfig.topic ?? this.spec.ioConfig.topicPattern!.source;
  }

  private groupPartitions(group: number): string[] {
    return this.partitionKeys.filter((_, index) => index % this.spec.ioConfig.taskCount === group);
  }

  private startTask(group: number): void {
    const taskId = `index_kafka_${this.spec.id}_${group}_${randomBytes(4).toString('hex')}`;
    const task = new RealtimeTask(
      { id: taskId, dirName: `${encodeURIComponent(this.spec.id)}-${group}`, spec: this.spec, partitionKeys: this.groupPartitions(group), source: this.dependencies.sourceFor(this.spec, `${this.spec.id}-${group}`) },
      this.dependencies,
    );
    this.tasks.set(group, task);
    task.start().then(
      () => this.failures.set(group, 0),
      () => undefined,
    );
    void task.whenStopped().then(() => this.taskStopped(group, task));
  }

  private taskStopped(group: number, task: RealtimeTask): void {
    const status = task.status();
    if (status.errorMessage === null || this.tasks.get(group) !== task || !this.running) return;
    this.noteError(`task ${task.id}: ${status.errorMessage}`);
    if (status.offsetsUnavailable) return;
    const failures = (this.failures.get(group) ?? 0) + 1;
    this.failures.set(group, failures);
    const delayMs = Math.min(RESTART_DELAY_MAX_MS, (this.dependencies.restartDelayMs ?? 1_000) * 2 ** (failures - 1));
    this.restartTimers.set(group, setTimeout(() => {
      this.restartTimers.delete(group);
      if (this.running && this.tasks.get(group) === task) this.startTask(group);
    }, delayMs).unref());
  }

  private noteError(message: string): void {
    this.recentErrors.push({ timestampMs: Date.now(), message });
    if (this.recentErrors.length > RECENT_ERRORS_MAX) this.recentErrors.shift();
  }

  /** Stops every task: publishing what they read (suspend, terminate, new spec) or dropping it (reset, shutdown). */
  async stop(options: { publish: boolean }): Promise<void> {
    this.running = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    this.restartTimers.clear();
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(tasks.map((task) => (options.publish ? task.stop({ publish: true }) : task.close())));
    await this.discovery?.stop();
    this.discovery = null;
  }

  taskStatuses(): RealtimeTaskStatus[] {
    return [...this.tasks.values()].map((task) => task.status());
  }

  /** The stream's earliest/latest offsets of every partition, or null when it cannot be asked now. */
  async latestOffsets(): Promise<Map<string, number> | null> {
    if (this.discovery === null || this.partitionKeys.length === 0) return null;
    try {
      const ranges = await Promise.race([
        this.discovery.offsetRanges(this.partitionKeys),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2_000).unref()),
      ]);
      return new Map([...ranges].map(([key, range]) => [key, range.latest]));
    } catch {
      return null;
    }
  }
}
