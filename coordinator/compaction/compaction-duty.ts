// The coordinator's auto-compaction duty: every period, for each datasource with a compaction
// config, submit `compact` tasks for chunks AWAITING compaction, newest first, never more than
// `maxConcurrentTasks` (and the config's maxCompactionTaskSlots) running at once, and never two on
// overlapping intervals. Also serves the configuration and status APIs.
import { invalidInput } from '../../cluster/errors.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import type { Logger } from '../../cluster/logger.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { formatInterval, parseInterval } from '../../query/intervals.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { chunkStatuses, type ChunkStatus } from './chunk-status.js';
import { PeriodicRun } from '../periodic-run.js';
import {
  compactionConfigDocumentOf,
  compactionConfigName,
  compactionTaskJson,
  parseDataSourceCompactionConfig,
  type CompactionConfigDocument,
  type DataSourceCompactionConfig,
} from './compaction-config.js';

export interface CompactionDutyOptions {
  readonly store: MetadataStore & Pick<IngestionMetadataStore, 'config' | 'setConfig'>;
  /** Submits a task spec (the TaskRunner, or the overlord's HTTP API); returns the task id. */
  readonly submit: (spec: unknown) => Promise<string>;
  /** Compactions running in this process that the store may not show yet. */
  readonly runningCompactions?: () => readonly { dataSource: string; interval: TimeInterval }[];
  readonly periodMs: number;
  /** Compaction tasks running at once, at most. */
  readonly maxConcurrentTasks: number;
  readonly log?: Pick<Logger, 'info' | 'error'>;
}

/** Druid's AutoCompactionSnapshot, plus Sediment's per-chunk detail. */
export interface DataSourceCompactionStatus {
  readonly dataSource: string;
  readonly scheduleStatus: 'RUNNING' | 'NOT_ENABLED';
  readonly bytesAwaitingCompaction: number;
  readonly bytesCompacted: number;
  readonly bytesSkipped: number;
  readonly segmentCountAwaitingCompaction: number;
  readonly segmentCountCompacted: number;
  readonly segmentCountSkipped: number;
  readonly intervalCountAwaitingCompaction: number;
  readonly intervalCountCompacted: number;
  readonly intervalCountSkipped: number;
  readonly chunks: readonly (Omit<ChunkStatus, 'interval' | 'segmentIds'> & { interval: string })[];
}

const auditAuthor = { author: 'sediment', comment: 'compaction config API' };

export class CompactionDuty {
  private readonly schedule: PeriodicRun<string[]>;

  constructor(private readonly options: CompactionDutyOptions) {
    this.schedule = new PeriodicRun(options.periodMs, () => this.runSafely(), []);
  }

  /** Runs every periodMs until stop(); the timer does not keep the process alive. */
  start(): void {
    this.schedule.start();
  }

  stop(): void {
    this.schedule.stop();
  }

  /** One run after any in progress; resolves to the ids of the tasks it submitted. Never rejects. */
  runOnce(): Promise<string[]> {
    return this.schedule.runOnce();
  }

  async configDocument(): Promise<CompactionConfigDocument> {
    return compactionConfigDocumentOf(await this.options.store.config(compactionConfigName));
  }

  /** Adds or replaces one datasource's config (validated first). */
  async setDataSourceConfig(json: unknown): Promise<void> {
    const config = parseDataSourceCompactionConfig(json);
    const document = await this.configDocument();
    const others = document.compactionConfigs.filter((item) => item['dataSource'] !== config.dataSource);
    await this.options.store.setConfig(compactionConfigName, { ...document, compactionConfigs: [...others, config.json] }, auditAuthor);
  }

  /** Removes a datasource's config; false if it had none. */
  async deleteDataSourceConfig(dataSource: string): Promise<boolean> {
    const document = await this.configDocument();
    const others = document.compactionConfigs.filter((item) => item['dataSource'] !== dataSource);
    if (others.length === document.compactionConfigs.length) return false;
    await this.options.store.setConfig(compactionConfigName, { ...document, compactionConfigs: others }, auditAuthor);
    return true;
  }

  async setTaskSlots(ratio: number | undefined, max: number | undefined): Promise<void> {
    if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) throw invalidInput('ratio', 'must be between 0 and 1');
    if (max !== undefined && !(Number.isSafeInteger(max) && max >= 0)) throw invalidInput('max', 'must be a non-negative integer');
    const document = await this.configDocument();
    await this.options.store.setConfig(
      compactionConfigName,
      { ...document, ...(ratio === undefined ? {} : { compactionTaskSlotRatio: ratio }), ...(max === undefined ? {} : { maxCompactionTaskSlots: max }) },
      auditAuthor,
    );
  }

  async dataSourceConfigs(): Promise<DataSourceCompactionConfig[]> {
    return (await this.configDocument()).compactionConfigs.map((json) => parseDataSourceCompactionConfig(json));
  }

  /** Status of every configured datasource (or one, configured or not). */
  async status(dataSource?: string): Promise<DataSourceCompactionStatus[]> {
    const configs = await this.dataSourceConfigs();
    const running = await this.runningIntervals();
    const names = dataSource === undefined ? configs.map((config) => config.dataSource) : [dataSource];
    const statuses: DataSourceCompactionStatus[] = [];
    for (const name of names) {
      const config = configs.find((item) => item.dataSource === name) ?? parseDataSourceCompactionConfig({ dataSource: name });
      const chunks = chunkStatuses(await this.options.store.usedSegments(name), config, running.get(name) ?? []);
      statuses.push(snapshotOf(name, configs.some((item) => item.dataSource === name), chunks));
    }
    return statuses;
  }

  private async runSafely(): Promise<string[]> {
    const submitted: string[] = [];
    try {
      const document = await this.configDocument();
      const running = await this.runningIntervals();
      let slots = Math.min(this.options.maxConcurrentTasks, document.maxCompactionTaskSlots) - countOf(running);
      for (const config of await this.dataSourceConfigs()) {
        if (slots <= 0) break;
        const busy = running.get(config.dataSource) ?? [];
        const awaiting = chunkStatuses(await this.options.store.usedSegments(config.dataSource), config, busy).filter((chunk) => chunk.state === 'AWAITING');
        for (const chunk of awaiting.reverse()) {
          if (slots <= 0) break;
          submitted.push(await this.options.submit(compactionTaskJson(config, formatInterval(chunk.interval))));
          busy.push(chunk.interval);
          slots--;
        }
      }
      if (submitted.length > 0) this.options.log?.info({ tasks: submitted }, 'auto-compaction submitted tasks');
    } catch (error) {
      this.options.log?.error({ err: error }, 'auto-compaction run failed');
    }
    return submitted;
  }

  /** Intervals of running compactions per datasource: this process's and every RUNNING compact task in the store. */
  private async runningIntervals(): Promise<Map<string, TimeInterval[]>> {
    const byDataSource = new Map<string, TimeInterval[]>();
    const add = (dataSource: string, interval: TimeInterval): void => {
      const list = byDataSource.get(dataSource) ?? [];
      if (!list.some((other) => other.startMs === interval.startMs && other.endMs === interval.endMs)) list.push(interval);
      byDataSource.set(dataSource, list);
    };
    for (const running of this.options.runningCompactions?.() ?? []) add(running.dataSource, running.interval);
    for (const task of await this.options.store.tasks()) {
      if (task.state !== 'RUNNING' || task.type !== 'compact') continue;
      const interval = intervalOfSpec(task.spec);
      if (interval !== null) add(task.dataSource, interval);
    }
    return byDataSource;
  }
}

function countOf(running: Map<string, TimeInterval[]>): number {
  let count = 0;
  for (const list of running.values()) count += list.length;
  return count;
}

function intervalOfSpec(spec: unknown): TimeInterval | null {
  const object = spec as { interval?: unknown; ioConfig?: { inputSpec?: { interval?: unknown } } } | null;
  const text = object?.ioConfig?.inputSpec?.interval ?? object?.interval;
  if (typeof text !== 'string') return null;
  try {
    return parseInterval(text, 'interval');
  } catch {
    return null;
  }
}

function snapshotOf(dataSource: string, enabled: boolean, chunks: readonly ChunkStatus[]): DataSourceCompactionStatus {
  const sum = (state: ChunkStatus['state'][], value: (chunk: ChunkStatus) => number): number =>
    chunks.filter((chunk) => state.includes(chunk.state)).reduce((total, chunk) => total + value(chunk), 0);
  return {
    dataSource,
    scheduleStatus: enabled ? 'RUNNING' : 'NOT_ENABLED',
    bytesAwaitingCompaction: sum(['AWAITING', 'RUNNING'], (chunk) => chunk.bytes),
    bytesCompacted: sum(['COMPACTED'], (chunk) => chunk.bytes),
    bytesSkipped: sum(['SKIPPED'], (chunk) => chunk.bytes),
    segmentCountAwaitingCompaction: sum(['AWAITING', 'RUNNING'], (chunk) => chunk.segments),
    segmentCountCompacted: sum(['COMPACTED'], (chunk) => chunk.segments),
    segmentCountSkipped: sum(['SKIPPED'], (chunk) => chunk.segments),
    intervalCountAwaitingCompaction: sum(['AWAITING', 'RUNNING'], () => 1),
    intervalCountCompacted: sum(['COMPACTED'], () => 1),
    intervalCountSkipped: sum(['SKIPPED'], () => 1),
    chunks: chunks.map(({ interval, segmentIds: _segmentIds, ...rest }) => ({ interval: formatInterval(interval), ...rest })),
  };
}
