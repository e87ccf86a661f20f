// Runs one suite end to end: Sediment (child process) ingests the dataset file through its task API,
// DuckDB (child process) loads the same file, every query runs on both and is compared, then both
// are restarted for a cold-start query. Failures are recorded in the result, never thrown, so one
// broken query or endpoint does not hide the rest of the numbers.
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BenchQuery } from './bench-query.js';
import type { ColdStartResult, DuckDbLoadResult, PeakMemory, QueryResult, SedimentIngestionResult, SuiteName, SuiteResult } from './bench-report.js';
import { summarizeProfileDirectory } from './cpu-profile-summary.js';
import type { Dataset } from './dataset.js';
import { loadIntoDuckDb } from './duckdb-load.js';
import { DuckDbProcess } from './duckdb-process.js';
import { warmPageCache } from './page-cache.js';
import { peakResidentBytes, resetPeakResident } from './process-memory.js';
import { runQueryPair } from './query-pair-runner.js';
import { nativeQuery } from './sediment-client.js';
import { ingestIntoSediment, waitForQueryable } from './sediment-ingestion.js';
import { SedimentProcess } from './sediment-process.js';
import { geometricMean } from './statistics.js';
import { suiteTargets } from './targets.js';

export interface SuiteDefinition {
  readonly suite: SuiteName;
  readonly dataset: Dataset;
  /** Generation parameters, for the report. */
  readonly parameters: string;
  readonly queries: readonly BenchQuery[];
  /** Name of the query timed after the restarts. */
  readonly coldStartQuery: string;
}

export interface SuiteRunOptions {
  /** Hot runs per query and system (the median is reported). */
  readonly runs: number;
  /** Scratch space: Sediment's data directory, the DuckDB file, logs, profiles. */
  readonly workDir: string;
  /** Also ingest a rollup variant (queryGranularity minute) and report it. */
  readonly rollup: boolean;
  /** Run Sediment under `--cpu-prof` (one profile for ingestion, one for the queries) and summarize them. */
  readonly profile: boolean;
  readonly duckDbThreads: number;
  /** Limit for each start, ingestion and load. */
  readonly stepTimeoutMs: number;
  readonly log: (line: string) => void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sedimentIngestionResult(dataSource: string, rollup: boolean, outcome: Awaited<ReturnType<typeof ingestIntoSediment>>): SedimentIngestionResult {
  const rowsPerSecond = outcome.rowsProcessed / (outcome.publishWallMs / 1000);
  return {
    dataSource,
    rollup,
    rowsProcessed: outcome.rowsProcessed,
    wallMs: outcome.publishWallMs,
    queryableWallMs: outcome.queryableWallMs,
    rowsPerSecond,
    rowsPerSecondPerCore: rowsPerSecond / availableParallelism(),
    segments: outcome.segments,
    storedRows: outcome.storedRows,
    segmentBytes: outcome.segmentBytes,
  };
}

async function fileBytes(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? 0;
}

/** Mutable state of one suite run, turned into a SuiteResult at the end. */
class SuiteRun {
  readonly errors: string[] = [];
  sediment: SedimentProcess | null = null;
  duckDb: DuckDbProcess | null = null;
  sedimentIngestion: SedimentIngestionResult | null = null;
  sedimentRollupIngestion: SedimentIngestionResult | null = null;
  duckDbLoad: DuckDbLoadResult | null = null;
  sedimentMemory: PeakMemory = { loadPeakBytes: null, queryPeakBytes: null };
  duckDbMemory: PeakMemory = { loadPeakBytes: null, queryPeakBytes: null };
  queries: QueryResult[] = [];
  sedimentColdStart: ColdStartResult | null = null;
  duckDbColdStart: ColdStartResult | null = null;
  readonly sedimentDataDir: string;
  readonly duckDbFile: string;
  readonly logFile: string;
  readonly profileDir: string;

  constructor(
    readonly definition: SuiteDefinition,
    readonly options: SuiteRunOptions,
  ) {
    const directory = join(options.workDir, definition.suite);
    this.sedimentDataDir = join(directory, 'sediment');
    this.duckDbFile = join(directory, `${definition.suite}.duckdb`);
    this.logFile = join(directory, 'sediment.log');
    this.profileDir = join(directory, 'profile');
  }

  /** Runs `step`, recording a failure instead of throwing; returns whether it succeeded. */
  async attempt(label: string, step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      this.errors.push(`${label}: ${messageOf(error)}`);
      this.options.log(`  ${label} failed: ${messageOf(error)}`);
      return false;
    }
  }

  /** Starts Sediment on the suite's data directory, profiled into `profileDir/<profile>` unless null. */
  startSediment(profile: string | null): Promise<SedimentProcess> {
    return SedimentProcess.start({
      dataDir: this.sedimentDataDir,
      logFile: this.logFile,
      cpuProfileDir: profile === null ? null : join(this.profileDir, profile),
      startTimeoutMs: this.options.stepTimeoutMs,
    });
  }
}

async function loadSediment(run: SuiteRun): Promise<void> {
  const { dataset } = run.definition;
  const sediment = await run.startSediment(run.options.profile ? 'ingestion' : null);
  run.sediment = sediment;
  run.options.log(`  Sediment: ingesting ${dataset.rows} rows …`);
  await warmPageCache(dataset.file);
  const outcome = await ingestIntoSediment(sediment.url, dataset, { dataSource: dataset.name, rollup: false, timeoutMs: run.options.stepTimeoutMs });
  run.sedimentIngestion = sedimentIngestionResult(dataset.name, false, outcome);
  run.options.log(`  Sediment: ${Math.round(run.sedimentIngestion.rowsPerSecond)} rows/s, ${outcome.segments} segment(s), ${outcome.segmentBytes} bytes`);
}

async function loadDuckDb(run: SuiteRun): Promise<void> {
  const duckDb = await DuckDbProcess.open(run.duckDbFile, run.options.duckDbThreads);
  run.duckDb = duckDb;
  run.options.log('  DuckDB: loading …');
  await warmPageCache(run.definition.dataset.file);
  const outcome = await loadIntoDuckDb(duckDb, run.definition.dataset);
  const rowsPerSecond = outcome.rows / (outcome.wallMs / 1000);
  const databaseBytes = (await fileBytes(run.duckDbFile)) + (await fileBytes(`${run.duckDbFile}.wal`));
  run.duckDbLoad = { rows: outcome.rows, wallMs: outcome.wallMs, rowsPerSecond, rowsPerSecondPerCore: rowsPerSecond / availableParallelism(), databaseBytes };
  run.options.log(`  DuckDB: ${Math.round(rowsPerSecond)} rows/s, ${databaseBytes} bytes`);
}

/** A fresh Sediment process for the query phase, so its profile holds queries only. */
async function restartForQueryProfile(run: SuiteRun): Promise<void> {
  await run.sediment?.stop();
  run.sediment = null;
  const sediment = await run.startSediment('queries');
  run.sediment = sediment;
  await waitForQueryable(sediment.url, run.definition.dataset.name, run.options.stepTimeoutMs);
}

async function runQueries(run: SuiteRun): Promise<void> {
  const { sediment, duckDb } = run;
  if (sediment === null || duckDb === null) throw new Error('both systems must be loaded before the queries');
  await Promise.all([resetPeakResident(sediment.pid), resetPeakResident(duckDb.pid)]);
  for (const query of run.definition.queries) {
    const result = await runQueryPair(sediment.url, duckDb, query, run.options.runs);
    run.queries.push(result);
    const timing = `Sediment ${result.sedimentMedianMs?.toFixed(1) ?? '—'} ms, DuckDB ${result.duckDbMedianMs?.toFixed(1) ?? '—'} ms`;
    run.options.log(`  ${query.name}: ${timing}${result.match ? '' : `  MISMATCH: ${result.problem}`}`);
  }
  run.sedimentMemory = { ...run.sedimentMemory, queryPeakBytes: await peakResidentBytes(sediment.pid) };
  run.duckDbMemory = { ...run.duckDbMemory, queryPeakBytes: await peakResidentBytes(duckDb.pid) };
}

async function ingestRollup(run: SuiteRun): Promise<void> {
  if (run.sediment === null) throw new Error('Sediment is not running');
  const dataSource = `${run.definition.dataset.name}_rollup`;
  run.options.log(`  Sediment: ingesting the rollup variant into ${dataSource} …`);
  await warmPageCache(run.definition.dataset.file);
  const outcome = await ingestIntoSediment(run.sediment.url, run.definition.dataset, { dataSource, rollup: true, timeoutMs: run.options.stepTimeoutMs });
  run.sedimentRollupIngestion = sedimentIngestionResult(dataSource, true, outcome);
}

function coldQuery(run: SuiteRun): BenchQuery {
  const query = run.definition.queries.find((candidate) => candidate.name === run.definition.coldStartQuery);
  if (query === undefined) throw new Error(`no query named ${run.definition.coldStartQuery}`);
  return query;
}

async function restartSediment(run: SuiteRun): Promise<void> {
  await run.sediment?.stop();
  run.sediment = null;
  const startedMs = performance.now();
  const sediment = await run.startSediment(null);
  run.sediment = sediment;
  await waitForQueryable(sediment.url, run.definition.dataset.name, run.options.stepTimeoutMs);
  const readyMs = performance.now() - startedMs;
  const queryStartedMs = performance.now();
  await nativeQuery(sediment.url, coldQuery(run).native);
  run.sedimentColdStart = { readyMs, firstQueryMs: performance.now() - queryStartedMs };
}

async function restartDuckDb(run: SuiteRun): Promise<void> {
  await run.duckDb?.close();
  run.duckDb = null;
  const startedMs = performance.now();
  const duckDb = await DuckDbProcess.open(run.duckDbFile, run.options.duckDbThreads);
  run.duckDb = duckDb;
  const readyMs = performance.now() - startedMs;
  const outcome = await duckDb.query(coldQuery(run).sql, 1);
  run.duckDbColdStart = { readyMs, firstQueryMs: outcome.timingsMs[0] ?? Number.NaN };
}

async function shutDown(run: SuiteRun): Promise<void> {
  await run.sediment?.stop().catch(() => undefined);
  await run.duckDb?.close().catch(() => undefined);
  run.sediment = null;
  run.duckDb = null;
}

function resultOf(run: SuiteRun, profile: SuiteResult['sedimentProfiles']): SuiteResult {
  const { definition } = run;
  const ratios = run.queries.map((query) => query.ratio).filter((ratio): ratio is number => ratio !== null);
  const partial: Omit<SuiteResult, 'targets'> = {
    suite: definition.suite,
    dataset: { name: definition.dataset.name, rows: definition.dataset.rows, fileBytes: definition.dataset.fileBytes, parameters: definition.parameters },
    sedimentIngestion: run.sedimentIngestion,
    sedimentRollupIngestion: run.sedimentRollupIngestion,
    duckDbLoad: run.duckDbLoad,
    sedimentMemory: run.sedimentMemory,
    duckDbMemory: run.duckDbMemory,
    queries: run.queries,
    geometricMeanRatio: ratios.length === 0 ? null : geometricMean(ratios),
    coldStartQuery: definition.coldStartQuery,
    sedimentColdStart: run.sedimentColdStart,
    duckDbColdStart: run.duckDbColdStart,
    sedimentProfiles: profile,
    errors: run.errors,
  };
  return { ...partial, targets: suiteTargets(partial) };
}

async function recordLoadPeaks(run: SuiteRun): Promise<void> {
  if (run.sediment !== null) run.sedimentMemory = { ...run.sedimentMemory, loadPeakBytes: await peakResidentBytes(run.sediment.pid) };
  if (run.duckDb !== null) run.duckDbMemory = { ...run.duckDbMemory, loadPeakBytes: await peakResidentBytes(run.duckDb.pid) };
}

export async function runSuite(definition: SuiteDefinition, options: SuiteRunOptions): Promise<SuiteResult> {
  const run = new SuiteRun(definition, options);
  await mkdir(run.sedimentDataDir, { recursive: true });
  options.log(`suite ${definition.suite} (${definition.parameters})`);
  try {
    const sedimentLoaded = await run.attempt('Sediment ingestion', () => loadSediment(run));
    const duckDbLoaded = await run.attempt('DuckDB load', () => loadDuckDb(run));
    await recordLoadPeaks(run);
    if (sedimentLoaded && options.rollup) await run.attempt('Sediment rollup ingestion', () => ingestRollup(run));
    const queryable = sedimentLoaded && (!options.profile || (await run.attempt('Sediment restart for profiling', () => restartForQueryProfile(run))));
    if (queryable && duckDbLoaded) await run.attempt('queries', () => runQueries(run));
    if (sedimentLoaded) await run.attempt('Sediment cold start', () => restartSediment(run));
    if (duckDbLoaded) await run.attempt('DuckDB cold start', () => restartDuckDb(run));
  } finally {
    await shutDown(run);
  }
  const profile = options.profile
    ? { ingestion: await summarizeProfileDirectory(join(run.profileDir, 'ingestion'), 20), queries: await summarizeProfileDirectory(join(run.profileDir, 'queries'), 20) }
    : null;
  return resultOf(run, profile);
}
