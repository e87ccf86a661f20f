// The benchmark end to end at a tiny scale: both systems load the same generated files, every query
// of both suites answers the same on both, and the reports are written. Speed is not asserted.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BenchReport } from '../../bench/bench-report.js';
import { runBench, type BenchOutcome } from '../../bench/run-bench.js';

const eventsQueryNames = [
  'filtered-count',
  'timeseries-hourly-sum',
  'topn-filtered',
  'groupby-two-dimensions',
  'distinct-count-exact',
  'distinct-count-approximate',
  'minute-window-filtered',
  'scan-limit',
];
const devopsQueryNames = [
  'single-groupby-1-1-1',
  'single-groupby-5-8-1',
  'cpu-max-all-8',
  'double-groupby-1',
  'double-groupby-all',
  'high-cpu-1',
  'high-cpu-all',
  'lastpoint',
  'groupby-orderby-limit',
];

describe('benchmark harness (tiny scale)', { timeout: 120_000 }, () => {
  let directory = '';
  let outcome: BenchOutcome;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    outcome = await runBench({
      suites: ['events', 'devops'],
      eventsRows: 3_000,
      devopsHosts: 5,
      devopsHours: 1,
      // Seed 18 makes high-cpu-1's randomly chosen host cross the threshold, so no answer is empty.
      seed: 18,
      runs: 1,
      dataDir: join(directory, 'data'),
      outDir: join(directory, 'results'),
      workDir: null,
      keepWorkDir: false,
      rollup: true,
      profile: false,
      duckDbThreads: 2,
      stepTimeoutMs: 60_000,
      log: () => undefined,
    });
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads the same rows into both systems, and the rollup variant too', () => {
    const [events, devops] = outcome.report.suites;
    assert.deepEqual(events?.errors, []);
    assert.deepEqual(devops?.errors, []);
    assert.equal(events?.sedimentIngestion?.rowsProcessed, 3_000);
    assert.equal(events?.sedimentIngestion?.storedRows, 3_000);
    assert.equal(events?.duckDbLoad?.rows, 3_000);
    assert.equal(devops?.sedimentIngestion?.rowsProcessed, 5 * 360);
    assert.equal(devops?.duckDbLoad?.rows, 5 * 360);
    // Six readings per host and minute roll up into one row.
    assert.equal(devops?.sedimentRollupIngestion?.storedRows, 5 * 60);
    assert.ok((events?.sedimentIngestion?.segmentBytes ?? 0) > 0);
    assert.ok((events?.duckDbLoad?.databaseBytes ?? 0) > 0);
  });

  it('runs every query of both suites, and Sediment and DuckDB agree on each', () => {
    const [events, devops] = outcome.report.suites;
    assert.deepEqual(events?.queries.map((query) => query.name), eventsQueryNames);
    assert.deepEqual(devops?.queries.map((query) => query.name), devopsQueryNames);
    for (const query of [...(events?.queries ?? []), ...(devops?.queries ?? [])]) {
      assert.equal(query.match, true, `${query.name}: ${query.problem}`);
      assert.ok((query.duckDbRows ?? 0) > 0, `${query.name} returned no rows, which would make the comparison vacuous`);
      assert.equal(query.sedimentRunsMs.length, 1);
      assert.equal(query.duckDbRunsMs.length, 1);
      assert.ok(query.ratio !== null && query.ratio > 0);
    }
    assert.ok(events?.sedimentColdStart !== null && devops?.duckDbColdStart !== null);
  });

  it('writes the JSON and Markdown reports', async () => {
    const json = JSON.parse(await readFile(outcome.jsonPath, 'utf8')) as BenchReport;
    assert.deepEqual(json, JSON.parse(JSON.stringify(outcome.report)));
    assert.ok(json.machine.cores > 0 && json.machine.duckDbVersion.startsWith('v'));
    const markdown = await readFile(outcome.markdownPath, 'utf8');
    for (const name of [...eventsQueryNames, ...devopsQueryNames]) assert.ok(markdown.includes(`| ${name} |`), name);
    assert.match(markdown, /geometric mean/);
    assert.match(markdown, /ingestion rows\/s per core/);
  });
});
