#!/usr/bin/env node
// `npm run bench`: Sediment against DuckDB on the same generated data. See bench/README.md.
import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import type { SuiteName } from './bench-report.js';
import { devopsDefaultHosts, devopsDefaultHours } from './generate-devops.js';
import { eventsDefaultRows } from './generate-events.js';
import { projectRoot } from './project-paths.js';
import { runBench } from './run-bench.js';

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
}

function positiveInteger(value: string): number {
  const number = positiveNumber(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError('must be a positive integer');
  return number;
}

function suiteList(value: string): SuiteName[] {
  if (value === 'all') return ['events', 'devops'];
  if (value === 'events' || value === 'devops') return [value];
  throw new InvalidArgumentError("must be 'events', 'devops' or 'all'");
}

interface CliOptions {
  suite: SuiteName[];
  scale: number;
  runs: number;
  out: string;
  dataDir: string;
  workDir?: string;
  keepWork: boolean;
  rollup: boolean;
  profile: boolean;
  seed: number;
  eventsRows?: number;
  devopsHosts?: number;
  devopsHours?: number;
  stepTimeoutS: number;
}

const program = new Command()
  .name('sediment-bench')
  .description('Benchmark Sediment against DuckDB on the same generated datasets.')
  .option('--suite <suite>', "events | devops | all", suiteList, suiteList('all'))
  .option('--scale <factor>', `multiplies the default sizes (${eventsDefaultRows} events; ${devopsDefaultHosts} hosts × ${devopsDefaultHours} h)`, positiveNumber, 1)
  .option('--runs <count>', 'hot runs per query and system (median reported; at least 5 for published numbers)', positiveInteger, 5)
  .option('--out <dir>', 'report directory', join(projectRoot, 'bench', 'results'))
  .option('--data-dir <dir>', 'cache of generated datasets', join(projectRoot, 'bench', 'data'))
  .option('--work-dir <dir>', 'scratch directory (default: a fresh temporary directory)')
  .option('--keep-work', 'keep the scratch directory (Sediment data, DuckDB file, logs, profiles)', false)
  .option('--rollup', 'also ingest and report a rollup variant (queryGranularity minute)', false)
  .option('--profile', 'run Sediment under --cpu-prof and report the hottest functions', false)
  .option('--seed <seed>', 'generator and query-parameter seed', positiveInteger, 42)
  .option('--events-rows <rows>', 'events rows (overrides --scale)', positiveInteger)
  .option('--devops-hosts <hosts>', 'devops hosts (overrides --scale)', positiveInteger)
  .option('--devops-hours <hours>', 'devops hours of data (default 24)', positiveInteger)
  .option('--step-timeout-s <seconds>', 'limit for each start, ingestion and load', positiveNumber, 3600)
  .parse();

const options = program.opts<CliOptions>();
const outcome = await runBench({
  suites: options.suite,
  eventsRows: options.eventsRows ?? Math.max(1, Math.round(eventsDefaultRows * options.scale)),
  devopsHosts: options.devopsHosts ?? Math.max(1, Math.round(devopsDefaultHosts * options.scale)),
  devopsHours: options.devopsHours ?? devopsDefaultHours,
  seed: options.seed,
  runs: options.runs,
  dataDir: options.dataDir,
  outDir: options.out,
  workDir: options.workDir ?? null,
  keepWorkDir: options.keepWork,
  rollup: options.rollup,
  profile: options.profile,
  duckDbThreads: 2,
  stepTimeoutMs: options.stepTimeoutS * 1000,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`\n${outcome.markdown}\n\nWrote ${outcome.jsonPath} and ${outcome.markdownPath}\n`);
