// `sediment compact`: print the plan (each time chunk, its segments, and why it is or is not
// compacted), run the compactions with a progress bar, then a summary of segments, bytes and rows
// before and after. Offline against the configured metadata store and deep storage, or through a
// running Sediment's API with --url. `sediment compact --status DS` prints the auto-compaction status.
import { join } from 'node:path';
import type { Command } from 'commander';
import { invalidInput, SedimentError } from '../cluster/errors.js';
import { loadConfig, type SedimentConfigLayer } from '../cluster/config.js';
import { LocalDeepStorage } from '../cluster/local-deep-storage.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import { SqliteMetadataStore } from '../cluster/sqlite-metadata-store.js';
import { chunkStatuses, type ChunkStatus, type ChunkTarget } from '../coordinator/compaction/chunk-status.js';
import { CompactionDuty, type DataSourceCompactionStatus } from '../coordinator/compaction/compaction-duty.js';
import { parseGranularity } from '../query/granularities/parse-granularity.js';
import { formatInterval, parseInterval, parsePeriod } from '../query/intervals.js';
import { parseCompactionSpec } from '../realtime/compaction/compaction-spec.js';
import { runCompaction } from '../realtime/compaction/compaction-task.js';
import { httpJson } from './http-json.js';
import { ProgressBar } from './progress-bar.js';
import { registerKillCommand } from './command-kill.js';

export interface CompactOptions {
  readonly datasource?: string;
  readonly interval?: string;
  readonly targetRows?: string;
  readonly segmentGranularity?: string;
  readonly queryGranularity?: string;
  readonly dimensions?: string;
  readonly skipOffset?: string;
  readonly dryRun?: boolean;
  readonly status?: string;
  readonly url?: string;
  readonly config?: string;
  readonly dataDir?: string;
}

/** Registers `compact` and `kill` on the program. */
export function registerCompactionCommands(program: Command): void {
  program
    .command('compact')
    .description('merge small segments of a datasource (offline, or through a running Sediment with --url)')
    .option('--datasource <name>', 'datasource to compact')
    .option('--interval <interval>', 'only chunks overlapping this ISO-8601 interval')
    .option('--target-rows <n>', 'rows per output segment at most (default 5000000)')
    .option('--segment-granularity <granularity>', 'new segment granularity, e.g. day')
    .option('--query-granularity <granularity>', 'new query granularity, e.g. hour (rolls rows up)')
    .option('--dimensions <names>', 'comma-separated dimensions to keep, in order')
    .option('--skip-offset <period>', 'leave chunks within this period of the latest data alone (default PT0S)')
    .option('--dry-run', 'print the plan only')
    .option('--status <datasource>', 'print the auto-compaction status per chunk and exit')
    .option('-u, --url <url>', 'a running Sediment, e.g. http://localhost:8888')
    .option('-c, --config <file>', 'JSON config file (offline)')
    .option('-d, --data-dir <dir>', 'data directory (offline)')
    .action(compactCommand);
  registerKillCommand(program);
}

export async function compactCommand(options: CompactOptions): Promise<void> {
  if (options.status !== undefined) return printStatus(options.status, options);
  const dataSource = options.datasource;
  if (dataSource === undefined) throw invalidInput('--datasource', 'is required (or use --status DS)');
  const target = targetOf(options);
  const within = options.interval === undefined ? undefined : parseInterval(options.interval, '--interval');
  if (options.url !== undefined) return compactRemote(dataSource, target, within, options);
  return compactOffline(dataSource, target, within, options);
}

function targetOf(options: CompactOptions): ChunkTarget & { json: Record<string, unknown> } {
  const maxRowsPerSegment = options.targetRows === undefined ? 5_000_000 : Number(options.targetRows);
  if (!Number.isSafeInteger(maxRowsPerSegment) || maxRowsPerSegment < 1) throw invalidInput('--target-rows', 'must be a positive integer');
  const skip = options.skipOffset ?? 'PT0S';
  const period = parsePeriod(skip);
  if (period === null) throw invalidInput('--skip-offset', 'must be an ISO-8601 period such as P1D');
  const segmentGranularity = options.segmentGranularity === undefined ? null : parseGranularity(options.segmentGranularity, '--segment-granularity');
  const queryGranularity = options.queryGranularity === undefined ? null : parseGranularity(options.queryGranularity, '--query-granularity');
  const dimensions = options.dimensions === undefined ? null : options.dimensions.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return {
    maxRowsPerSegment,
    skipOffsetFromLatestMs: period.as('milliseconds'),
    skipOffsetFromLatest: skip,
    inputSegmentSizeBytes: Number.MAX_SAFE_INTEGER,
    segmentGranularity,
    queryGranularity,
    dimensions,
    json: {
      granularitySpec: {
        ...(segmentGranularity === null ? {} : { segmentGranularity: segmentGranularity.json }),
        ...(queryGranularity === null ? {} : { queryGranularity: queryGranularity.json }),
      },
      ...(dimensions === null ? {} : { dimensionsSpec: { dimensions } }),
      tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment } },
    },
  };
}

function taskJsonOf(dataSource: string, chunk: ChunkStatus, target: { json: Record<string, unknown> }): Record<string, unknown> {
  return { type: 'compact', dataSource, ioConfig: { type: 'compact', inputSpec: { type: 'interval', interval: formatInterval(chunk.interval) } }, ...target.json };
}

/** The plan, one line per chunk, to stdout. */
export function printPlan(dataSource: string, chunks: readonly ChunkStatus[], write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  const todo = chunks.filter((chunk) => chunk.state === 'AWAITING');
  write(`Plan for ${dataSource}: ${chunks.length} time chunk(s), ${todo.length} to compact (${todo.reduce((total, chunk) => total + chunk.segments, 0)} segments)`);
  for (const chunk of chunks) {
    const verb = chunk.state === 'AWAITING' ? 'COMPACT' : chunk.state === 'RUNNING' ? 'RUNNING' : 'skip   ';
    write(`  ${verb} ${formatInterval(chunk.interval)}  ${chunk.segments} segment(s), ${chunk.rows} rows, ${formatBytes(chunk.bytes)} — ${chunk.reason}`);
  }
}

async function compactOffline(dataSource: string, target: ChunkTarget & { json: Record<string, unknown> }, within: ReturnType<typeof parseInterval> | undefined, options: CompactOptions): Promise<void> {
  const overrides = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
  const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
  const store = SqliteMetadataStore.open(config.metadata.path);
  try {
    const deepStorage = new LocalDeepStorage(config.deepStorage.dir);
    const chunks = chunkStatuses(await store.usedSegments(dataSource), target, [], within);
    printPlan(dataSource, chunks);
    if (options.dryRun === true) return;
    const todo = chunks.filter((chunk) => chunk.state === 'AWAITING');
    const summary = new Summary(todo);
    const bar = new ProgressBar();
    for (const [index, chunk] of todo.entries()) {
      const result = await runCompaction(parseCompactionSpec(taskJsonOf(dataSource, chunk, target)), {
        store,
        deepStorage,
        workDir: join(config.dataDir, 'task-work', `compact-cli-${process.pid}-${index}`),
        onProgress: ({ rowsDone, rowsTotal }) => bar.update(summary.rowsDone + rowsDone, summary.rowsTotal, `chunk ${index + 1}/${todo.length}`),
      });
      summary.add(result.published.slice(0, result.outputSegments), chunk.rows);
    }
    bar.finish(summary.text());
  } finally {
    await store.close();
  }
}

async function compactRemote(dataSource: string, target: ChunkTarget & { json: Record<string, unknown> }, within: ReturnType<typeof parseInterval> | undefined, options: CompactOptions): Promise<void> {
  const url = options.url!;
  const used = ((await httpJson('GET', `${url}/druid/coordinator/v1/metadata/datasources/${encodeURIComponent(dataSource)}/segments?full`)) as DataSegmentJson[]).map(recordFromJson);
  const chunks = chunkStatuses(used, target, [], within);
  printPlan(dataSource, chunks);
  if (options.dryRun === true) return;
  const todo = chunks.filter((chunk) => chunk.state === 'AWAITING');
  const summary = new Summary(todo);
  const bar = new ProgressBar();
  for (const [index, chunk] of todo.entries()) {
    const { task } = (await httpJson('POST', `${url}/druid/indexer/v1/task`, taskJsonOf(dataSource, chunk, target))) as { task: string };
    for (;;) {
      const { status } = (await httpJson('GET', `${url}/druid/indexer/v1/task/${encodeURIComponent(task)}/status`)) as { status: { status: string; errorMsg: string | null; rowsProcessed?: number } };
      if (status.status === 'FAILED') throw new SedimentError('conflict', `compaction task ${task} failed: ${status.errorMsg ?? 'unknown error'}`);
      if (status.status === 'SUCCESS') break;
      bar.update(summary.rowsDone + (status.rowsProcessed ?? 0), summary.rowsTotal, `chunk ${index + 1}/${todo.length}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const after = ((await httpJson('GET', `${url}/druid/coordinator/v1/metadata/datasources/${encodeURIComponent(dataSource)}/segments?full`)) as DataSegmentJson[]).map(recordFromJson);
    summary.add(after.filter((record) => record.interval.startMs >= chunk.interval.startMs && record.interval.endMs <= chunk.interval.endMs), chunk.rows);
  }
  bar.finish(summary.text());
}

/** Before/after totals of a CLI run. */
class Summary {
  readonly startedMs = Date.now();
  readonly rowsTotal: number;
  rowsDone = 0;
  private readonly segmentsBefore: number;
  private readonly bytesBefore: number;
  private segmentsAfter = 0;
  private bytesAfter = 0;
  private rowsAfter = 0;

  constructor(todo: readonly ChunkStatus[]) {
    this.rowsTotal = todo.reduce((total, chunk) => total + chunk.rows, 0);
    this.segmentsBefore = todo.reduce((total, chunk) => total + chunk.segments, 0);
    this.bytesBefore = todo.reduce((total, chunk) => total + chunk.bytes, 0);
  }

  add(outputs: readonly SegmentRecord[], inputRows: number): void {
    this.rowsDone += inputRows;
    this.segmentsAfter += outputs.length;
    this.bytesAfter += outputs.reduce((total, record) => total + record.sizeBytes, 0);
    this.rowsAfter += outputs.reduce((total, record) => total + record.info.rowCount, 0);
  }

  text(): string {
    const seconds = (Date.now() - this.startedMs) / 1000;
    const rate = seconds > 0 ? Math.round(this.rowsDone / seconds) : 0;
    return (
      `Compacted ${this.segmentsBefore} segments (${formatBytes(this.bytesBefore)}, ${this.rowsTotal} rows) into ` +
      `${this.segmentsAfter} segments (${formatBytes(this.bytesAfter)}, ${this.rowsAfter} rows) in ${seconds.toFixed(1)}s (${rate} rows/s)`
    );
  }
}

async function printStatus(dataSource: string, options: CompactOptions): Promise<void> {
  let statuses: DataSourceCompactionStatus[];
  if (options.url !== undefined) {
    statuses = ((await httpJson('GET', `${options.url}/druid/coordinator/v1/compaction/status?dataSource=${encodeURIComponent(dataSource)}`)) as { latestStatus: DataSourceCompactionStatus[] }).latestStatus;
  } else {
    const overrides = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
    const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
    const store = SqliteMetadataStore.open(config.metadata.path);
    try {
      const duty = new CompactionDuty({ store, submit: async () => '', periodMs: 60_000, maxConcurrentTasks: 0 });
      statuses = await duty.status(dataSource);
    } finally {
      await store.close();
    }
  }
  for (const status of statuses) {
    process.stdout.write(
      `${status.dataSource}: auto-compaction ${status.scheduleStatus === 'RUNNING' ? 'enabled' : 'not configured (defaults shown)'}; ` +
        `${status.intervalCountCompacted} chunk(s) compacted, ${status.intervalCountAwaitingCompaction} awaiting, ${status.intervalCountSkipped} skipped\n`,
    );
    for (const chunk of status.chunks) {
      process.stdout.write(`  ${chunk.state.padEnd(9)} ${chunk.interval}  ${chunk.segments} segment(s), ${chunk.rows} rows, ${formatBytes(chunk.bytes)} — ${chunk.reason}\n`);
    }
  }
}

interface DataSegmentJson {
  dataSource: string;
  interval: string;
  version: string;
  identifier: string;
  size: number;
  numRows?: number;
  dimensions: string;
  metrics: string;
  shardSpec?: { partitionNum?: number };
  loadSpec?: { key?: string };
}

/** Enough of a SegmentRecord for planning, from Druid's DataSegment JSON (query granularity is not in it). */
function recordFromJson(json: DataSegmentJson): SegmentRecord {
  const interval = parseInterval(json.interval, 'interval');
  return {
    id: json.identifier,
    dataSource: json.dataSource,
    interval,
    version: json.version,
    partition: json.shardSpec?.partitionNum ?? 0,
    used: true,
    deepStorageKey: json.loadSpec?.key ?? '',
    sizeBytes: json.size,
    info: {
      dataSource: json.dataSource,
      interval,
      version: json.version,
      partition: json.shardSpec?.partitionNum ?? 0,
      rowCount: json.numRows ?? 0,
      rollup: true,
      queryGranularity: null,
      dimensions: json.dimensions === '' ? [] : json.dimensions.split(','),
      metrics: [],
    },
    createdMs: 0,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
