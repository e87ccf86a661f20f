// Parallel batch ingestion against the single-threaded run: the same files through 0 (this thread),
// 1, 2 and 3 worker threads must give identical segments (row for row, dictionary for dictionary),
// row counts and parse-exception messages (file and line included), with randomized lines full of
// oddities, malformed lines cut by a range boundary, cuts exactly at line starts and newlines,
// rollup, multi-value and numeric dimensions, several files, and the shapes that must fall back.
// Segment files must be byte for byte the single-threaded run's (columns are encoded on the workers).
// Inputs past maxRowsInMemory are read in rounds, spilled between rounds: the same results, the
// maxParseExceptions failure in a later round, a worker crash in a later round, and an abort.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runBatchIngestionWith, type BatchIngestionResult } from '../../realtime/batch-ingestion.js';
import { lineStartAtOrAfter, splitIntoPieces } from '../../realtime/byte-ranges.js';
import { IncrementalIndex } from '../../realtime/incremental-index.js';
import { indexSchemaOf } from '../../realtime/index-schema-of.js';
import { parseIndexTaskSpec } from '../../realtime/index-task-spec.js';
import { listInputEntities } from '../../realtime/input-source.js';
import { IngestWorkerPool } from '../../realtime/ingest-worker-pool.js';
import { EXCEPTIONS_KEPT_CAP, readInParallel } from '../../realtime/parallel-ingestion.js';
import { RowStats } from '../../realtime/row-stats.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { random, readAllRows, taskJson, temporaryDirectory, type SpecParts } from './ingestion-fixtures.js';

const HOUR = 3_600_000;
const base = Date.UTC(2024, 4, 1);

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

const countries: unknown[] = ['FR', 'US', 'JP', 'DE', '日本', 'a"b', 'back\\slash', '', null, 7, true, ['b', 'a'], ['c', null], [], { nested: 1 }];
const buckets: unknown[] = [0, 1, -17, 42, 2.5, null, '12', 'bad', [3]];

/** A JSON line; mostly the fast path's shape, sometimes anything the general path must take. */
function randomLine(next: () => number): string {
  const pairs: [string, string][] = [];
  // A fifth of the lines share a few times and countries: rows with equal keys across the whole input.
  const common = next() < 0.2;
  if (next() < 0.97) pairs.push(['ts', String(base + (common ? Math.floor(next() * 20) * 60_000 : Math.floor(next() * 5 * HOUR)))]);
  if (next() < 0.9) pairs.push(['country', JSON.stringify(common ? pick(next, ['FR', 'US']) : next() < 0.8 ? `c${Math.floor(next() * 300)}` : pick(next, countries))]);
  if (next() < 0.9) pairs.push(['device', JSON.stringify(pick(next, ['phone', 'desktop', 'tablet', null]))]);
  if (next() < 0.8) pairs.push(['bucket', JSON.stringify(pick(next, buckets))]);
  if (next() < 0.9) pairs.push(['added', String(Math.floor(next() * 1000) - 100)]);
  if (next() < 0.9) pairs.push(['price', String(Math.round(next() * 1e6) / 100)]);
  if (next() < 0.2) pairs.sort(() => next() - 0.5);
  let line = `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
  const roll = next();
  if (roll < 0.02) line = line.slice(0, Math.floor(line.length / 2));
  else if (roll < 0.03) line = '';
  else if (roll < 0.035) line = '[1,2]';
  return line + (next() < 0.05 ? '\r' : '');
}

function randomLines(count: number, next: () => number): string[] {
  return Array.from({ length: count }, () => randomLine(next));
}

interface Shape {
  readonly rollup: boolean;
  /** Metrics: order-insensitive folds only when true (a doubleSum makes rollup read on one thread). */
  readonly exactFolds?: boolean;
  readonly maxRowsInMemory?: number;
  readonly maxParseExceptions?: number;
  readonly discovery?: boolean;
}

function parts(files: readonly string[], shape: Shape): SpecParts {
  const sums = shape.exactFolds === false ? [{ type: 'doubleSum', name: 'price', fieldName: 'price' }] : [];
  return {
    inputSource: { type: 'local', files },
    inputFormat: { type: 'json' },
    timestampSpec: { column: 'ts', format: 'millis' },
    dimensionsSpec: shape.discovery ? { dimensions: [], dimensionExclusions: ['added', 'price'] } : { dimensions: ['country', 'device', { type: 'long', name: 'bucket' }] },
    metricsSpec: [
      { type: 'count', name: 'count' },
      { type: 'longSum', name: 'added', fieldName: 'added' },
      { type: 'doubleMax', name: 'maxPrice', fieldName: 'price' },
      { type: 'floatMin', name: 'minPrice', fieldName: 'price' },
      ...sums,
    ],
    granularitySpec: { segmentGranularity: 'hour', queryGranularity: shape.rollup ? 'minute' : 'none', rollup: shape.rollup },
    tuningConfig: { maxRowsInMemory: shape.maxRowsInMemory ?? 1_000_000, maxParseExceptions: shape.maxParseExceptions ?? 1_000_000, maxSavedParseExceptions: 100_000 },
  };
}

async function writeFiles(context: TestContext, contents: readonly string[]): Promise<string[]> {
  const directory = await temporaryDirectory(context, 'sediment-parallel-input-');
  const files = contents.map((_, index) => join(directory, `part-${index}.json`));
  await Promise.all(files.map((file, index) => writeFile(file, contents[index]!)));
  return files;
}

type Outcome = { result: BatchIngestionResult; rows: unknown[]; dictionaries: unknown[]; files: Buffer[] } | { error: string };

/** Chunk sizes every comparison tries: one chunk per small file (the default), and many small chunks that workers interleave. */
const CHUNK_SIZES: readonly (number | undefined)[] = [undefined, 2500];

async function run(context: TestContext, specParts: SpecParts, workers: number, chunkBytes?: number, pool?: IngestWorkerPool): Promise<Outcome> {
  const workDir = await temporaryDirectory(context, 'sediment-parallel-work-');
  const spec = parseIndexTaskSpec(taskJson(specParts));
  try {
    const parallelism = { workers, minBytes: 0, ...(chunkBytes === undefined ? {} : { chunkBytes }), ...(pool === undefined ? {} : { pool }) };
    const result = await runBatchIngestionWith(spec, { workDir, version: '2024-01-01T00:00:00.000Z' }, parallelism);
    const files = await Promise.all(result.segments.map((segment) => readFile(segment.path)));
    return { result, rows: await readAllRows(result), dictionaries: await dictionariesOf(result), files };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Every string column's dictionary, per segment. */
async function dictionariesOf(result: BatchIngestionResult): Promise<unknown[]> {
  const dictionaries: unknown[] = [];
  for (const { path } of result.segments) {
    const segment = await openSegment(path);
    try {
      for (const name of segment.columnNames()) {
        const column = segment.column(name)!;
        if (column.kind === 'string') dictionaries.push([name, [...column.dictionary]]);
      }
    } finally {
      segment.close();
    }
  }
  return dictionaries;
}

interface Comparison {
  /**
   * Rows with equal keys (time and dimensions) may come in another order. Without rollup, spilled
   * runs cut at other rows (rounds end at chunk ends, the single-threaded run spills at exactly
   * maxRowsInMemory), and the row-by-row merge of runs does not order equal keys by input.
   */
  readonly tiesInAnyOrder?: boolean;
}

/** The key columns of `parts`' rows: rows equal in these are ties. */
const KEY_COLUMNS = ['__time', 'country', 'device', 'bucket'];

/** The rows as JSON, each run of equal keys sorted (rows come sorted by key, so ties are adjacent). */
function withTiesOrdered(rows: readonly unknown[]): string[] {
  const keyOf = (row: unknown): string => JSON.stringify(KEY_COLUMNS.map((name) => (row as Record<string, unknown>)[name] ?? null));
  const ordered: string[] = [];
  for (let start = 0; start < rows.length; ) {
    const key = keyOf(rows[start]);
    let end = start + 1;
    while (end < rows.length && keyOf(rows[end]) === key) end++;
    ordered.push(...rows.slice(start, end).map((row) => JSON.stringify(row)).sort());
    start = end;
  }
  return ordered;
}

function assertSameOutcome(actual: Outcome, expected: Outcome, label: string, comparison: Comparison = {}): void {
  if ('error' in expected || 'error' in actual) {
    assert.deepEqual(actual, expected, `${label}: same failure`);
    return;
  }
  assert.deepEqual(actual.result.rowStats, expected.result.rowStats, `${label}: row stats`);
  assert.deepEqual(actual.result.parseExceptions, expected.result.parseExceptions, `${label}: parse exceptions`);
  assert.deepEqual(actual.result.segments.map((segment) => segment.info), expected.result.segments.map((segment) => segment.info), `${label}: segments`);
  assert.deepEqual(actual.dictionaries, expected.dictionaries, `${label}: dictionaries`);
  assert.equal(actual.files.length, expected.files.length);
  if (comparison.tiesInAnyOrder) {
    assert.deepEqual(withTiesOrdered(actual.rows), withTiesOrdered(expected.rows), `${label}: rows (ties in any order)`);
    return;
  }
  assert.deepEqual(actual.rows, expected.rows, `${label}: rows`);
  // Columns encoded on the workers (built there from the index or sent built) give the same files.
  actual.files.forEach((bytes, index) => assert.ok(bytes.equals(expected.files[index]!), `${label}: segment ${index} byte for byte`));
}

/** Whether readInParallel takes the input (true) or leaves it to the calling thread (false). */
async function readsInParallel(specParts: SpecParts, workers: number): Promise<boolean> {
  const spec = parseIndexTaskSpec(taskJson(specParts));
  const entities = await listInputEntities(spec.inputSource, 'inputSource');
  const stats = new RowStats(spec.maxParseExceptions, spec.maxSavedParseExceptions);
  try {
    const index = new IncrementalIndex(indexSchemaOf(spec));
    return await readInParallel(spec, entities, index, stats, { workers, minBytes: 0 }, { onProgress: () => undefined, spill: async () => index.clear() });
  } catch {
    return true;
  }
}

async function assertAllAgree(
  context: TestContext,
  specParts: SpecParts,
  label: string,
  workerCounts: readonly number[] = [1, 2],
  chunkSizes: readonly (number | undefined)[] = CHUNK_SIZES,
  comparison: Comparison = {},
): Promise<Outcome> {
  const single = await run(context, specParts, 0);
  for (const workers of workerCounts) {
    for (const chunkBytes of chunkSizes) {
      const runLabel = `${label}, ${workers} workers, chunks of ${chunkBytes ?? 'default'} bytes`;
      assertSameOutcome(await run(context, specParts, workers, chunkBytes), single, runLabel, comparison);
    }
  }
  return single;
}

for (const rollup of [false, true]) {
  test(`workers equal the single-threaded run on randomized files (rollup ${rollup})`, async (t) => {
    for (let seed = 1; seed <= 3; seed++) {
      const next = random(seed * 7919 + (rollup ? 1 : 0));
      // Three files of different sizes (one empty, one without a final newline, one with a BOM).
      const contents = [
        `\ufeff${randomLines(900, next).join('\n')}\n`,
        '',
        randomLines(500 + seed * 111, next).join('\n'),
        `${randomLines(300, next).join('\n')}\n`,
      ];
      const files = await writeFiles(t, contents);
      const specParts = parts(files, { rollup });
      assert.equal(await readsInParallel(specParts, 2), true, 'this shape reads in parallel');
      const single = await assertAllAgree(t, specParts, `seed ${seed}`, [1, 2, 3]);
      assert.ok(!('error' in single));
      assert.ok(single.result.rowStats.processed > 1000 && single.result.rowStats.unparseable > 20, 'the input mixes good and bad lines');
      assert.ok(single.result.rowStats.processedWithError > 0, 'some rows are partly unparseable');
      const multiValue = single.rows.some((row) => Array.isArray((row as Record<string, unknown>)['country']));
      assert.ok(multiValue, 'some rows are multi-value');
    }
  });
}

test('a range boundary inside a malformed line, exactly at a line start, and at a newline', async (t) => {
  const next = random(4242);
  const before = randomLines(400, next).filter((line) => line !== '' && !line.endsWith('\r')).join('\n') + '\n';
  const after = randomLines(100, next).filter((line) => line !== '' && !line.endsWith('\r'));
  const malformed = `{"ts":${base},"country":"cut here`;
  const middle = `${malformed}\n`;
  // The two-worker cut is round(total / 2): pad the last line so it lands `offset` bytes into the middle line.
  for (const offset of [0, 1, 10, middle.length - 1, middle.length]) {
    const unpadded = Buffer.byteLength(before + middle + after.join('\n')) + 1;
    const padding = 2 * (Buffer.byteLength(before) + offset) - unpadded;
    assert.ok(padding >= 0);
    const text = before + middle + after.join('\n') + ' '.repeat(padding) + '\n';
    assert.equal(Math.round(Buffer.byteLength(text) / 2), Buffer.byteLength(before) + offset, 'the cut lands where intended');
    const files = await writeFiles(t, [text]);
    // Chunks of half the file: the one cut is the two-worker cut.
    const single = await assertAllAgree(t, parts(files, { rollup: false }), `offset ${offset}`, [1, 2], [Buffer.byteLength(text) / 2]);
    assert.ok(!('error' in single));
    const line = before.split('\n').length;
    assert.ok(single.result.parseExceptions.some((message) => message.includes(`line ${line})`) && message.includes('cut here')), 'the malformed line is reported with its line number');
  }
});

test('maxParseExceptions fails the same way, at the same line, whichever worker finds it', async (t) => {
  const next = random(99);
  const lines = randomLines(3000, next);
  for (let index = 0; index < lines.length; index += 97) lines[index] = '{"broken": ';
  const files = await writeFiles(t, [lines.join('\n')]);
  const unbounded = await run(t, parts(files, { rollup: false }), 0);
  assert.ok(!('error' in unbounded));
  const exceptions = unbounded.result.rowStats.unparseable + unbounded.result.rowStats.processedWithError;
  // The failing exception falls in the first worker's range, then in the second's, then at the very end.
  for (const maxParseExceptions of [0, 5, Math.floor(exceptions * 0.25), Math.floor(exceptions * 0.75), exceptions - 1]) {
    const outcome = await assertAllAgree(t, parts(files, { rollup: false, maxParseExceptions }), `maxParseExceptions ${maxParseExceptions}`);
    assert.ok('error' in outcome && outcome.error.includes('maxParseExceptions'), `${maxParseExceptions}: the run fails`);
  }
  const within = await assertAllAgree(t, parts(files, { rollup: false, maxParseExceptions: exceptions }), 'maxParseExceptions = exceptions');
  assert.ok(!('error' in within), 'exactly maxParseExceptions exceptions do not fail the run');
});

test('shapes the workers do not take read on one thread, and those they take in rounds, with the same results', async (t) => {
  const next = random(5);
  const files = await writeFiles(t, [randomLines(1200, next).join('\n'), randomLines(800, next).join('\n')]);
  const gzipLike = await writeFiles(t, ['{"ts":1,"country":"x"}\n']);
  const shapes: [string, SpecParts, boolean, Comparison?][] = [
    ['more rows than maxRowsInMemory (read in rounds, spilled)', parts(files, { rollup: false, maxRowsInMemory: 150 }), true, { tiesInAnyOrder: true }],
    ['rollup with more rows than maxRowsInMemory', parts(files, { rollup: true, maxRowsInMemory: 150 }), true],
    ['rollup with a floating-point sum', parts(files, { rollup: true, exactFolds: false }), false],
    ['no rollup with a floating-point sum', parts(files, { rollup: false, exactFolds: false }), true],
    ['discovered dimensions', parts(files, { rollup: false, discovery: true }), false],
    ['inline input', { ...parts(files, { rollup: false }), inputSource: { type: 'inline', data: await readFile(files[0]!, 'utf8') } }, false],
    ['csv input', { ...parts(gzipLike, { rollup: false }), inputFormat: { type: 'csv', columns: ['ts', 'country'] } }, false],
  ];
  for (const [label, specParts, parallel, comparison] of shapes) {
    assert.equal(await readsInParallel(specParts, 2), parallel, `${label}: read in parallel?`);
    await assertAllAgree(t, specParts, label, [1, 2], CHUNK_SIZES, comparison);
  }
});

test('byte ranges cover the files exactly, each cut just after a newline', async (t) => {
  const next = random(11);
  for (let trial = 0; trial < 20; trial++) {
    const contents = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      const lines = Array.from({ length: Math.floor(next() * 30) }, () => 'x'.repeat(Math.floor(next() * (next() < 0.1 ? 200_000 : 40))));
      return lines.join('\n') + (next() < 0.5 ? '\n' : '');
    });
    const files = await writeFiles(t, contents);
    const sized = files.map((path, index) => ({ path, sizeBytes: Buffer.byteLength(contents[index]!) }));
    const pieces = 1 + Math.floor(next() * 4);
    const groups = await splitIntoPieces(sized, pieces);
    assert.equal(groups.length, pieces);
    const ranges = groups.flat();
    for (const [index, file] of sized.entries()) {
      const own = ranges.filter((range) => range.path === file.path);
      let position = 0;
      for (const range of own) {
        assert.equal(range.start, position, 'ranges are contiguous');
        assert.ok(range.end > range.start, 'no empty range');
        if (range.end < file.sizeBytes) assert.equal(contents[index]![range.end - 1], '\n', 'a cut follows a newline');
        position = range.end;
      }
      assert.equal(position, file.sizeBytes, 'ranges reach the end of the file');
    }
  }
  const [file] = await writeFiles(t, ['ab\ncd\n\nef']);
  assert.deepEqual(await Promise.all([0, 1, 2, 3, 4, 6, 7, 8, 9].map((offset) => lineStartAtOrAfter(file!, offset, 9))), [0, 3, 3, 3, 6, 6, 7, 9, 9]);
});

// Rounds: inputs past maxRowsInMemory. The workers stop claiming chunks once the round's rows reach
// it; each round's rows are spilled before the next round, as the single-threaded run spills.

const ROUND_ROWS = 2000;
/** Workers and chunk bytes compared: chunks of ~40 lines (many per round, interleaved) and of ~340 (a round is a few). */
const ROUND_RUNS: readonly [workers: number, chunkBytes: number][] = [
  [1, 4096],
  [2, 4096],
  [3, 4096],
  [2, 32768],
];

/** About 30k randomized lines (malformed ones included) in two files, the second without a final newline. */
async function roundsInput(context: TestContext, seed: number): Promise<string[]> {
  const next = random(seed);
  return writeFiles(context, [`${randomLines(18_000, next).join('\n')}\n`, randomLines(12_000, next).join('\n')]);
}

interface DirectRead {
  /** Index rows at each spill (each round but the last). */
  readonly spilledRows: number[];
  /** Every progress report, in order. */
  readonly progress: [bytesRead: number, rowsProcessed: number][];
  readonly stats: RowStats;
  /** Rows left in the index (the last round's). */
  readonly indexRows: number;
}

/** readInParallel called directly, recording its spills and progress. */
async function readDirectly(specParts: SpecParts, workers: number, chunkBytes: number): Promise<DirectRead> {
  const spec = parseIndexTaskSpec(taskJson(specParts));
  const entities = await listInputEntities(spec.inputSource, 'inputSource');
  const stats = new RowStats(spec.maxParseExceptions, spec.maxSavedParseExceptions);
  const index = new IncrementalIndex(indexSchemaOf(spec));
  const spilledRows: number[] = [];
  const progress: [number, number][] = [];
  const hooks = {
    onProgress: (bytesRead: number, rowsProcessed: number) => void progress.push([bytesRead, rowsProcessed]),
    spill: async () => {
      spilledRows.push(index.rowCount);
      index.clear();
    },
  };
  assert.equal(await readInParallel(spec, entities, index, stats, { workers, minBytes: 0, chunkBytes }, hooks), true);
  return { spilledRows, progress, stats, indexRows: index.rowCount };
}

for (const rollup of [false, true]) {
  test(`inputs past maxRowsInMemory are read in rounds with the single-threaded run's results (rollup ${rollup})`, async (t) => {
    const files = await roundsInput(t, rollup ? 31 : 30);
    const specParts = parts(files, { rollup, maxRowsInMemory: ROUND_ROWS });
    const single = await run(t, specParts, 0);
    for (const [workers, chunkBytes] of ROUND_RUNS) {
      assertSameOutcome(await run(t, specParts, workers, chunkBytes), single, `${workers} workers, chunks of ${chunkBytes} bytes`, { tiesInAnyOrder: !rollup });
    }
    assert.ok(!('error' in single));
    const counts = single.result.rowStats;
    assert.ok(counts.processed > 25_000 && counts.unparseable > 300 && counts.processedWithError > 100, 'the input mixes good and bad lines');
    assert.ok(single.result.parseExceptions.some((message) => message.includes('part-1.json, line 11')), 'the second file has exceptions past its first lines');

    const direct = await readDirectly(specParts, 2, 4096);
    assert.ok(direct.spilledRows.length >= 8, `read in many rounds (${direct.spilledRows.length + 1})`);
    // A round ends at the first chunk end at or past the limit: a chunk of 4 KiB holds at most ~60 rows, per worker.
    for (const rows of [...direct.spilledRows, direct.indexRows]) assert.ok(rows <= ROUND_ROWS + 2 * 60, `a round of ${rows} rows overshoots by at most a chunk per worker`);
    if (!rollup) for (const rows of direct.spilledRows) assert.ok(rows >= ROUND_ROWS, `a round of ${rows} rows ends only at the limit`);
    assert.deepEqual(direct.stats.counts, counts, 'row stats read directly');
    // Progress is cumulative across rounds: it never goes back and ends at the whole input.
    const totalBytes = (await Promise.all(files.map((file) => readFile(file)))).reduce((total, bytes) => total + bytes.length, 0);
    for (let index = 1; index < direct.progress.length; index++) {
      const [bytes, rows] = direct.progress[index]!;
      const [bytesBefore, rowsBefore] = direct.progress[index - 1]!;
      assert.ok(bytes >= bytesBefore && rows >= rowsBefore, 'progress never goes back');
    }
    assert.deepEqual(direct.progress.at(-1), [totalBytes, counts.processed + counts.processedWithError]);
  });
}

test('maxParseExceptions fails in a later round as the single-threaded run fails', async (t) => {
  const files = await roundsInput(t, 32);
  const unbounded = await run(t, parts(files, { rollup: false, maxRowsInMemory: ROUND_ROWS }), 0);
  assert.ok(!('error' in unbounded));
  const exceptions = unbounded.result.rowStats.unparseable + unbounded.result.rowStats.processedWithError;
  for (const maxParseExceptions of [Math.floor(exceptions * 0.5), Math.floor(exceptions * 0.9), exceptions - 1]) {
    const specParts = parts(files, { rollup: false, maxRowsInMemory: ROUND_ROWS, maxParseExceptions });
    const outcome = await assertAllAgree(t, specParts, `maxParseExceptions ${maxParseExceptions}`, [1, 2], [4096]);
    assert.ok('error' in outcome && outcome.error.includes('maxParseExceptions'), `${maxParseExceptions}: the run fails`);
    // The failing line is past the first rounds (each ~2000 lines).
    const [, file, line] = /part-(\d)\.json, line (\d+)\)$/.exec(outcome.error)!;
    assert.ok(file === '1' || Number(line) > 4 * ROUND_ROWS, `${maxParseExceptions}: fails in a later round (${outcome.error})`);
  }
  const specParts = parts(files, { rollup: false, maxRowsInMemory: ROUND_ROWS, maxParseExceptions: exceptions });
  const within = await assertAllAgree(t, specParts, 'maxParseExceptions = exceptions', [1, 2], [4096], { tiesInAnyOrder: true });
  assert.ok(!('error' in within), 'exactly maxParseExceptions exceptions do not fail the run');
});

test('a failing exception past those the workers keep, in a later round, fails as the single-threaded run fails', async (t) => {
  const next = random(33);
  // Rows with a few exceptions (earlier rounds), then more malformed lines than a worker keeps, then rows.
  const lines = [...randomLines(3000, next), ...Array.from({ length: EXCEPTIONS_KEPT_CAP + 20_000 }, (_, index) => `{"ts":${index}`), ...randomLines(500, next)];
  const files = await writeFiles(t, [lines.join('\n')]);
  const unbounded = await run(t, parts(files, { rollup: false, maxRowsInMemory: 1000 }), 0);
  assert.ok(!('error' in unbounded));
  const exceptions = unbounded.result.rowStats.unparseable + unbounded.result.rowStats.processedWithError;
  // The failing exception is ~15,000 before the block's end: past the first EXCEPTIONS_KEPT_CAP of its round.
  const maxParseExceptions = exceptions - 15_000;
  const outcome = await assertAllAgree(t, parts(files, { rollup: false, maxRowsInMemory: 1000, maxParseExceptions }), 'past the kept exceptions', [1, 2], [65536]);
  assert.ok('error' in outcome && outcome.error.includes('maxParseExceptions'), 'the run fails');
  const line = Number(/line (\d+)\)$/.exec(outcome.error)![1]);
  assert.ok(line > 3000 + EXCEPTIONS_KEPT_CAP, `the failing line (${line}) lies past the exceptions a worker keeps`);
});

/** A pool whose workers crash on the ingest jobs of rounds starting at chunk `fromChunk` up to `toChunk`. */
function crashingPool(fromChunk: number, toChunk: number): IngestWorkerPool {
  // Compiled (npm test) the worker is the .js beside this file; under tsx, the .ts. The window goes
  // through the environment, which a worker copies when it starts (a URL's query does not reach it).
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  process.env['SEDIMENT_TEST_CRASH_CHUNKS'] = `${fromChunk},${toChunk}`;
  return new IngestWorkerPool(2, new URL(`./crashing-ingest-worker${extension}`, import.meta.url));
}

/** Collects the messages of SEDIMENT_INGEST_WORKER_CRASH warnings while the test runs. */
function crashWarnings(context: TestContext): string[] {
  const messages: string[] = [];
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === 'SEDIMENT_INGEST_WORKER_CRASH') messages.push(warning.message);
  };
  process.on('warning', onWarning);
  context.after(() => void process.off('warning', onWarning));
  return messages;
}

test('a worker crash in a later round reads that round again on this thread, with the same results', async (t) => {
  const files = await roundsInput(t, 34);
  const warnings = crashWarnings(t);
  // Rounds of ~50 chunks of 4 KiB: rounds starting in [150, 250) crash, those before and after do not.
  const pool = crashingPool(150, 250);
  for (const rollup of [false, true]) {
    const specParts = parts(files, { rollup, maxRowsInMemory: ROUND_ROWS });
    const single = await run(t, specParts, 0);
    const warningsBefore = warnings.length;
    assertSameOutcome(await run(t, specParts, 2, 4096, pool), single, `rollup ${rollup}, crash`, { tiesInAnyOrder: !rollup });
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(warnings.length > warningsBefore, `rollup ${rollup}: a worker crashed`);
  }
  assert.ok(warnings.every((message) => message.includes('exited with code 3') && message.includes('again on the main thread')), warnings.join('\n'));
});

test('an abort in a later round stops the read, on the workers or on this thread, and leaves no file', async (t) => {
  const files = await roundsInput(t, 35);
  const spec = parseIndexTaskSpec(taskJson(parts(files, { rollup: false, maxRowsInMemory: ROUND_ROWS })));
  crashWarnings(t);
  // The default pool reads every round on the workers; the crashing one reads the rounds past chunk 100 here.
  for (const pool of [undefined, crashingPool(100, Number.MAX_SAFE_INTEGER)]) {
    const workDir = await temporaryDirectory(t, 'sediment-parallel-work-');
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    let rowsAtAbort = 0;
    let rowsAfterAbort = 0;
    const onProgress = ({ rowsProcessed }: { rowsProcessed: number }): void => {
      if (controller.signal.aborted) rowsAfterAbort = Math.max(rowsAfterAbort, rowsProcessed);
      else if (rowsProcessed > 12_000) {
        rowsAtAbort = rowsProcessed;
        controller.abort(reason);
      }
    };
    const parallelism = { workers: 2, minBytes: 0, chunkBytes: 4096, ...(pool === undefined ? {} : { pool }) };
    const ingestion = runBatchIngestionWith(spec, { workDir, version: '2024-01-01T00:00:00.000Z', signal: controller.signal, onProgress }, parallelism);
    await assert.rejects(ingestion, (error) => error === reason);
    assert.ok(rowsAtAbort > 0, 'aborted part-way');
    assert.ok(rowsAfterAbort < rowsAtAbort + 2 * ROUND_ROWS, `stopped soon after the abort (${rowsAtAbort} rows, then ${rowsAfterAbort})`);
    assert.deepEqual(await readdir(workDir), [], 'no spill or segment left');
  }
});
