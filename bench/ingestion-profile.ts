// Batch ingestion in isolation: the bench's index_parallel spec for a cached dataset, run straight
// through runBatchIngestion (no HTTP, deep storage or metadata), timed per phase-free wall clock.
//   npx tsx bench/ingestion-profile.ts [events|devops] [--rollup] [--runs N] [--max-rows-in-memory N]
// Run under `node --cpu-prof --import tsx bench/ingestion-profile.ts …` for a profile.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIndexTaskSpec } from '../realtime/index-task-spec.js';
import { runBatchIngestion } from '../realtime/batch-ingestion.js';
import type { Dataset } from './dataset.js';
import { devopsDataset } from './generate-devops.js';
import { eventsDataset } from './generate-events.js';
import { projectRoot } from './project-paths.js';
import { ingestionSpec } from './sediment-ingestion.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

async function datasetOf(name: string): Promise<Dataset> {
  const cacheDir = join(projectRoot, 'bench', 'data');
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if (name === 'devops') return devopsDataset(cacheDir, { hosts: 100, hours: 24, seed: 42 }, log);
  return eventsDataset(cacheDir, { rows: 1_000_000, seed: 42 }, log);
}

async function main(): Promise<void> {
  const dataset = await datasetOf(process.argv[2] ?? 'events');
  const rollup = process.argv.includes('--rollup');
  const runs = option('--runs', 1);
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
          `in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s, ${Math.round(rows / seconds / availableParallelism())} per core\n`,
      );
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}

await main();
