// The benchmark as a function: generate (or reuse) the datasets, run the chosen suites, write
// `<outDir>/<timestamp>.json` and `.md`. Used by the CLI (main.ts) and the smoke test.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport, SuiteName, SuiteResult } from './bench-report.js';
import { devopsQueries } from './devops-queries.js';
import { DuckDbProcess } from './duckdb-process.js';
import { eventsQueries } from './events-queries.js';
import { devopsDataset } from './generate-devops.js';
import { eventsDataset } from './generate-events.js';
import { describeMachine } from './machine-description.js';
import { markdownReport } from './markdown-report.js';
import { runSuite, type SuiteDefinition, type SuiteRunOptions } from './suite-runner.js';

export interface BenchOptions {
  readonly suites: readonly SuiteName[];
  /** Rows of the events dataset. */
  readonly eventsRows: number;
  /** Hosts and hours of the devops dataset. */
  readonly devopsHosts: number;
  readonly devopsHours: number;
  /** Seed of the generators and of the devops query parameters. */
  readonly seed: number;
  /** Hot runs per query and system; the median is reported. */
  readonly runs: number;
  /** Where generated datasets are cached. */
  readonly dataDir: string;
  /** Where the reports go. */
  readonly outDir: string;
  /** Scratch directory; a fresh temporary one when null. Removed afterwards unless keepWorkDir. */
  readonly workDir: string | null;
  readonly keepWorkDir: boolean;
  readonly rollup: boolean;
  readonly profile: boolean;
  readonly duckDbThreads: number;
  readonly stepTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface BenchOutcome {
  readonly report: BenchReport;
  readonly jsonPath: string;
  readonly markdownPath: string;
  readonly markdown: string;
}

async function suiteDefinition(suite: SuiteName, options: BenchOptions): Promise<SuiteDefinition> {
  if (suite === 'events') {
    const dataset = await eventsDataset(options.dataDir, { rows: options.eventsRows, seed: options.seed }, options.log);
    return { suite, dataset, parameters: `${options.eventsRows} rows over one day, seed ${options.seed}`, queries: eventsQueries(dataset), coldStartQuery: 'timeseries-hourly-sum' };
  }
  const parameters = { hosts: options.devopsHosts, hours: options.devopsHours, seed: options.seed };
  const dataset = await devopsDataset(options.dataDir, parameters, options.log);
  return {
    suite,
    dataset,
    parameters: `${options.devopsHosts} hosts × ${options.devopsHours} h every 10 s, seed ${options.seed}`,
    queries: devopsQueries(dataset, options.devopsHosts, options.seed),
    coldStartQuery: 'double-groupby-1',
  };
}

async function duckDbVersion(): Promise<string> {
  const duckDb = await DuckDbProcess.open(':memory:', 1);
  try {
    return await duckDb.version();
  } finally {
    await duckDb.close();
  }
}

function reportName(startedAt: string): string {
  return startedAt.replace(/[:.]/g, '-');
}

export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const startedAt = new Date().toISOString();
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'sediment-bench-')));
  await mkdir(workDir, { recursive: true });
  const suiteOptions: SuiteRunOptions = {
    runs: options.runs,
    workDir,
    rollup: options.rollup,
    profile: options.profile,
    duckDbThreads: options.duckDbThreads,
    stepTimeoutMs: options.stepTimeoutMs,
    log: options.log,
  };
  const suites: SuiteResult[] = [];
  try {
    for (const suite of options.suites) suites.push(await runSuite(await suiteDefinition(suite, options), suiteOptions));
  } finally {
    if (!options.keepWorkDir) await rm(workDir, { recursive: true, force: true });
  }
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(await duckDbVersion()),
    options: {
      suites: options.suites,
      eventsRows: options.eventsRows,
      devopsHosts: options.devopsHosts,
      devopsHours: options.devopsHours,
      seed: options.seed,
      runs: options.runs,
      rollup: options.rollup,
      profile: options.profile,
      duckDbThreads: options.duckDbThreads,
    },
    suites,
  };
  await mkdir(options.outDir, { recursive: true });
  const base = join(options.outDir, reportName(startedAt));
  const markdown = markdownReport(report);
  await writeFile(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFile(`${base}.md`, markdown + '\n');
  return { report, jsonPath: `${base}.json`, markdownPath: `${base}.md`, markdown };
}
