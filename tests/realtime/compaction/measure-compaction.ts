// Measures compaction throughput and the query speed-up from compacting 100 small segments into
// one. Not a test: run with `npx tsx tests/realtime/compaction/measure-compaction.ts [rowsPerSegment]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timeline } from '../../../broker/timeline.js';
import { LocalDeepStorage } from '../../../cluster/local-deep-storage.js';
import { SqliteMetadataStore } from '../../../cluster/sqlite-metadata-store.js';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { parseCompactionSpec } from '../../../realtime/compaction/compaction-spec.js';
import { runCompaction } from '../../../realtime/compaction/compaction-task.js';
import { TaskRunner } from '../../../realtime/task-runner.js';
import { openSegment, type SegmentFile } from '../../../segment-format/segment-reader.js';
import { appendTask, random, randomRows, runTaskOk } from './compaction-fixtures.js';

const dataSource = 'events';
const day = '2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z';
const rowsPerSegment = Number(process.argv[2] ?? 10_000);
const segmentCount = 100;
const aggregations = [
  { type: 'longSum', name: 'rows', fieldName: 'count' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleSum', name: 'value', fieldName: 'value' },
];
const queries = {
  'timeseries hour': { queryType: 'timeseries', dataSource, intervals: [day], granularity: 'hour', aggregations },
  'topN country': { queryType: 'topN', dataSource, intervals: [day], granularity: 'all', dimension: 'country', metric: 'added', threshold: 5, aggregations },
  'groupBy country,device': { queryType: 'groupBy', dataSource, intervals: [day], granularity: 'all', dimensions: ['country', 'device'], aggregations },
  'filtered timeseries': { queryType: 'timeseries', dataSource, intervals: [day], granularity: 'all', filter: { type: 'selector', dimension: 'device', value: 'phone' }, aggregations },
};

async function openUsed(store: SqliteMetadataStore, deepStorage: LocalDeepStorage, dir: string): Promise<{ slices: SegmentSlice[]; files: SegmentFile[] }> {
  const timeline = new Timeline();
  for (const record of await store.usedSegments(dataSource)) timeline.add(record);
  const files: SegmentFile[] = [];
  const slices: SegmentSlice[] = [];
  for (const { record, intervals } of timeline.lookup(dataSource, [{ startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 2) }])) {
    const path = join(dir, `${files.length}-${Date.now()}.segment`);
    await deepStorage.pull(record.deepStorageKey, path);
    const file = await openSegment(path);
    files.push(file);
    slices.push({ segment: file, intervals });
  }
  return { slices, files };
}

function timeQueries(slices: readonly SegmentSlice[]): Record<string, number> {
  const medians: Record<string, number> = {};
  for (const [name, json] of Object.entries(queries)) {
    const query = parseQuery(json);
    runQuery(query, slices); // warm-up: loads columns
    const samples: number[] = [];
    for (let run = 0; run < 15; run++) {
      const startedNs = process.hrtime.bigint();
      runQuery(query, slices);
      samples.push(Number(process.hrtime.bigint() - startedNs) / 1e6);
    }
    samples.sort((left, right) => left - right);
    medians[name] = samples[Math.floor(samples.length / 2)]!;
  }
  return medians;
}

const dir = await mkdtemp(join(tmpdir(), 'sediment-measure-compaction-'));
try {
  const store = SqliteMetadataStore.open(join(dir, 'metadata.sqlite'));
  const deepStorage = new LocalDeepStorage(join(dir, 'deep'));
  const runner = new TaskRunner({ store, deepStorage, workDir: join(dir, 'work') });
  const next = random(2024);
  for (let segment = 0; segment < segmentCount; segment++) {
    const task = appendTask(dataSource, randomRows(next, rowsPerSegment, 24)) as { spec: { dataSchema: { granularitySpec: Record<string, unknown> } } };
    task.spec.dataSchema.granularitySpec['segmentGranularity'] = 'day';
    await runTaskOk(runner, task);
  }
  const before = await openUsed(store, deepStorage, dir);
  const beforeMs = timeQueries(before.slices);
  for (const file of before.files) file.close();

  const result = await runCompaction(parseCompactionSpec({ type: 'compact', dataSource, interval: day }), { store, deepStorage, workDir: join(dir, 'compact') });
  const after = await openUsed(store, deepStorage, dir);
  const afterMs = timeQueries(after.slices);
  for (const file of after.files) file.close();
  await store.close();

  process.stdout.write(`compaction: ${result.inputSegments} segments, ${result.inputRows} rows, ${result.inputBytes} bytes → ${result.outputSegments} segment(s), ${result.outputRows} rows, ${result.outputBytes} bytes in ${result.durationMs} ms = ${Math.round(result.inputRows / (result.durationMs / 1000))} rows/s\n`);
  process.stdout.write(`slices before ${before.slices.length}, after ${after.slices.length}\n`);
  for (const name of Object.keys(queries)) {
    process.stdout.write(`${name.padEnd(24)} before ${beforeMs[name]!.toFixed(2).padStart(8)} ms  after ${afterMs[name]!.toFixed(2).padStart(8)} ms  speed-up ${(beforeMs[name]! / afterMs[name]!).toFixed(2)}x\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
