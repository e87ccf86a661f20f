// Batch ingestion in isolation: the bench's index_parallel spec for a cached dataset, run straight
// through runBatchIngestion (no HTTP, deep storage or metadata), timed per phase-free wall clock.
//   npx tsx bench/ingestion-profile.ts [events|devops] [--rollup] [--runs N] [--max-rows-in-memory N] [--full]
// (--full: the bench's default-scale datasets, 10 M events or 1,000 hosts × 24 h; else 1 M / 100 hosts.)
// With --end-to-end it instead starts `sediment start --no-sample` in a child process (as the bench
// does) and times HTTP submit → task SUCCESS (published) and → queryable, plus the task's own
// durationMs, so the gap between isolated and end-to-end ingestion can be attributed.
// Run under `node --cpu-prof --import tsx bench/ingestion-profile.ts …` for a profile (with
// --end-to-end, --child-profile DIR profiles the Sediment process instead).
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIndexTaskSpec } from '../realtime/index-task-spec.js';
import { runBatchIngestion } from '../realtime/batch-ingestion.js';
import type { Dataset } from './dataset.js';
import { devopsDataset } from './generate-devops.js';
import { eventsDataset } from './generate-events.js';
import { projectRoot } from './project-paths.js';
import { getJson } from './sediment-client.js';
import { ingestIntoSediment, ingestionSpec } from './sediment-ingestion.js';
import { SedimentProcess } from './sediment-process.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

function stringOption(name: string): string | null {
  const index = process.argv.indexOf(name);
  return index < 0 ? null : (process.argv[index + 1] ?? null);
}

async function datasetOf(name: string): Promise<Dataset> {
  const cacheDir = join(projectRoot, 'bench', 'data');
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const full = process.argv.includes('--full');
  if (name === 'devops') return devopsDataset(cacheDir, { hosts: full ? 1000 : 100, hours: 24, seed: 42 }, log);
  return eventsDataset(cacheDir, { rows: full ? 10_000_000 : 1_000_000, seed: 42 }, log);
}

function rateLine(rows: number, seconds: number): string {
  return `${Math.round(rows / seconds)} rows/s, ${Math.round(rows / seconds / availableParallelism())} per core`;
}

async function isolated(dataset: Dataset, rollup: boolean, runs: number): Promise<void> {
  const json = ingestionSpec(dataset, dataset.name, rollup) as { spec: { tuningConfig: Record<string, unknown> } };
  const maxRowsInMemory = option('--max-rows-in-memory', 0);
  if (maxRowsInMemory > 0) json.spec.tuningConfig['maxRowsInMemory'] = maxRowsInMemory;
  const spec = parseIndexTaskSpec(json);
  for (let run = 0; run < runs; run++) {
    const workDir = await mkdtemp(join(tmpdir(), 'sediment-ingestion-profile-'));
    try {
      const startedMs = performance.now();
      const result = await runBatchIngestion(spec, { workDir, version: new Date(0).toISOString() });
      const seconds = (performance.now() - startedMs) / 1000;
      const rows = result.rowStats.processed;
      const stored = result.segments.reduce((total, segment) => total + segment.info.rowCount, 0);
      const bytes = result.segments.reduce((total, segment) => total + segment.sizeBytes, 0);
      process.stdout.write(
        `${dataset.name}${rollup ? ' rollup' : ''}: ${rows} rows (${stored} stored, ${result.segments.length} segments, ${(bytes / 1e6).toFixed(1)} MB) ` +
          `in ${seconds.toFixed(2)} s = ${rateLine(rows, seconds)}\n`,
      );
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}

interface TaskListEntry {
  readonly duration?: number;
}

/** Each run ingests into a fresh datasource of one Sediment process, as the bench's first ingestion does. */
async function endToEnd(dataset: Dataset, rollup: boolean, runs: number): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'sediment-ingestion-e2e-'));
  const sediment = await SedimentProcess.start({
    dataDir: join(workDir, 'data'),
    logFile: join(workDir, 'sediment.log'),
    cpuProfileDir: stringOption('--child-profile'),
    startTimeoutMs: 120_000,
  });
  try {
    for (let run = 0; run < runs; run++) {
      const dataSource = `${dataset.name}_${run}`;
      const outcome = await ingestIntoSediment(sediment.url, dataset, { dataSource, rollup, timeoutMs: 600_000 });
      const tasks = (await getJson(`${sediment.url}/druid/indexer/v1/tasks?datasource=${encodeURIComponent(dataSource)}`)) as TaskListEntry[];
      const durationMs = tasks[0]?.duration;
      const rows = outcome.rowsProcessed;
      process.stdout.write(
        `${dataSource}${rollup ? ' rollup' : ''} end to end: ${rows} rows; published in ${(outcome.publishWallMs / 1000).toFixed(2)} s = ${rateLine(rows, outcome.publishWallMs / 1000)}; ` +
          `queryable in ${(outcome.queryableWallMs / 1000).toFixed(2)} s; task durationMs ${durationMs ?? '?'}\n`,
      );
    }
  } finally {
    await sediment.stop();
    if (!process.argv.includes('--keep-work')) await rm(workDir, { recursive: true, force: true });
    else process.stderr.write(`kept ${workDir}\n`);
  }
}

async function main(): Promise<void> {
  const dataset = await datasetOf(process.argv[2] ?? 'events');
  const rollup = process.argv.includes('--rollup');
  const runs = option('--runs', 1);
  if (process.argv.includes('--end-to-end')) await endToEnd(dataset, rollup, runs);
  else await isolated(dataset, rollup, runs);
}

await main();
