// Shared harness for the compaction tests: a real SQLite metadata store and local deep storage in a
// temp dir, a TaskRunner, randomized rows appended as many small segments, and queries answered
// over the used segments exactly as a broker would (timeline visibility, then run-query).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Timeline } from '../../../broker/timeline.js';
import { LocalDeepStorage } from '../../../cluster/local-deep-storage.js';
import { SqliteMetadataStore } from '../../../cluster/sqlite-metadata-store.js';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { TaskRunner, type TaskRunnerOptions } from '../../../realtime/task-runner.js';
import { openSegment, type SegmentFile } from '../../../segment-format/segment-reader.js';

export interface Environment {
  readonly dir: string;
  readonly store: SqliteMetadataStore;
  readonly deepStorage: LocalDeepStorage;
  readonly runner: TaskRunner;
}

export async function environment(context: TestContext, options: Partial<TaskRunnerOptions> = {}): Promise<Environment> {
  const dir = await mkdtemp(join(tmpdir(), 'sediment-compaction-'));
  const store = SqliteMetadataStore.open(join(dir, 'metadata.sqlite'));
  const deepStorage = new LocalDeepStorage(join(dir, 'deep'));
  const runner = new TaskRunner({ store, deepStorage, workDir: join(dir, 'work'), ...options });
  context.after(async () => {
    await runner.drain();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, store, deepStorage, runner };
}

/** Deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const dayStartMs = Date.UTC(2024, 0, 1);
const countries = ['US', 'FR', 'DE', 'JP', 'BR', null];
const devices = ['phone', 'tablet', 'desktop'];
const tagPool = ['a', 'b', 'c', 'd'];

/** Rows spread over `hours` hours from dayStartMs, with strings, nulls, multi-values and numbers. */
export function randomRows(next: () => number, count: number, hours: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const tagCount = Math.floor(next() * 3);
    const tags = Array.from({ length: tagCount }, () => tagPool[Math.floor(next() * tagPool.length)]!);
    rows.push({
      ts: new Date(dayStartMs + Math.floor(next() * hours * 3_600_000)).toISOString(),
      country: countries[Math.floor(next() * countries.length)],
      device: devices[Math.floor(next() * devices.length)],
      tags: tags.length === 1 ? tags[0] : tags,
      added: Math.floor(next() * 1000) - 100,
      value: Math.round(next() * 10_000) / 100,
      user: `u${Math.floor(next() * 200)}`,
    });
  }
  return rows;
}

export const metricsSpec = [
  { type: 'count', name: 'count' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleSum', name: 'value', fieldName: 'value' },
  { type: 'longMax', name: 'maxAdded', fieldName: 'added' },
  { type: 'hyperUnique', name: 'users', fieldName: 'user' },
];

/** An append task of the rows into hourly segments of `dataSource`. */
export function appendTask(dataSource: string, rows: readonly Record<string, unknown>[], append = true): Record<string, unknown> {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['country', 'device', 'tags'] },
        metricsSpec,
        granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: true },
      },
      ioConfig: { type: 'index_parallel', inputSource: { type: 'inline', data: rows.map((row) => JSON.stringify(row)).join('\n') }, inputFormat: { type: 'json' }, appendToExisting: append },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}

/** Submits a task and waits; fails the test with the task's error if it did not succeed. */
export async function runTask(runner: TaskRunner, json: unknown): Promise<{ id: string; state: string; errorMessage: string | null; report: unknown }> {
  const id = await runner.submit(json);
  const task = await runner.waitFor(id);
  return { id, state: task!.state, errorMessage: task!.errorMessage, report: task!.report };
}

export async function runTaskOk(runner: TaskRunner, json: unknown): Promise<string> {
  const task = await runTask(runner, json);
  if (task.state !== 'SUCCESS') throw new Error(`task ${task.id} failed: ${task.errorMessage}`);
  return task.id;
}

/** Answers a native query over the used segments of the store, through the timeline as a broker does. */
export async function queryStore(environmentValue: Environment, queryJson: Record<string, unknown>): Promise<unknown[]> {
  const { store, deepStorage, dir } = environmentValue;
  const query = parseQuery(queryJson);
  const timeline = new Timeline();
  const used = await store.usedSegments(String(queryJson['dataSource']));
  for (const record of used) timeline.add(record);
  const files: SegmentFile[] = [];
  try {
    const slices: SegmentSlice[] = [];
    for (const { record, intervals } of timeline.lookup(String(queryJson['dataSource']), query.intervals)) {
      const path = join(dir, 'query-cache', `${files.length}.segment`);
      await deepStorage.pull(record.deepStorageKey, path);
      const file = await openSegment(path);
      files.push(file);
      slices.push({ segment: file, intervals });
    }
    return runQuery(query, slices);
  } finally {
    for (const file of files) file.close();
  }
}

/** Rounds floats so sums added in a different order compare equal. */
export function normalized(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(10));
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalized(item)]));
  }
  return value;
}
