// The columnar merge of spilled runs (realtime/run-merge.ts): a spilling run must write exactly the
// segments an unspilled run writes (same rows, same order, same bytes), with and without rollup,
// with numeric dimensions, nulls, ties, and dimensions only some runs have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSegment } from '../../segment-format/segment-reader.js';
import { RunMerge } from '../../realtime/run-merge.js';
import { stringDimension } from '../../realtime/dimensions-spec.js';
import { parseIndexTaskSpec } from '../../realtime/index-task-spec.js';
import { ingest, jsonLines, random, readAllRows, taskJson, temporaryDirectory, type Row, type SpecParts } from './ingestion-fixtures.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const base = Date.UTC(2024, 6, 1);

function randomRows(count: number, seed: number): Row[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  return Array.from({ length: count }, () => ({
    // Few distinct times and values over two days: rows tie on time, and whole keys repeat (without
    // rollup their order must stay the input order).
    ts: base + Math.floor(next() * 2) * DAY + Math.floor(next() * 20) * MINUTE,
    city: pick(['Paris', 'Lima', 'Oslo', 'Zurich', null, 'Ålesund']),
    code: `c${Math.floor(next() * 4)}`,
    level: pick([3, -1, 7, null, 2.5]),
    added: next() < 0.1 ? null : Math.floor(next() * 1000) - 200,
    ratio: next() < 0.1 ? null : Math.floor(next() * 64) / 8,
  }));
}

const metricsSpec = [
  { type: 'count', name: 'count' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'longMin', name: 'minAdded', fieldName: 'added' },
  { type: 'longMax', name: 'maxAdded', fieldName: 'added' },
  // Eighths sum exactly in any order, so spilled and unspilled files can be compared byte for byte.
  { type: 'doubleSum', name: 'ratio', fieldName: 'ratio' },
  { type: 'floatMax', name: 'maxRatio', fieldName: 'ratio' },
];

function parts(file: string, rollup: boolean, maxRowsInMemory: number): SpecParts {
  return {
    inputSource: { type: 'local', files: [file] },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: ['city', 'code', { type: 'double', name: 'level' }] },
    metricsSpec,
    granularitySpec: { segmentGranularity: 'day', queryGranularity: rollup ? 'hour' : 'none', rollup },
    tuningConfig: { maxRowsInMemory, partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 1500 } },
  };
}

async function segmentBytes(result: { segments: { path: string }[] }): Promise<Buffer[]> {
  return Promise.all(result.segments.map((segment) => readFile(segment.path)));
}

// Input in time order (as logs usually come) spills runs that overlap only where one time spans a
// spill boundary: the merge takes whole stretches of a run at once there, and compares rows only at ties.
for (const [rollup, timeOrdered] of [[false, false], [true, false], [false, true], [true, true]] as const) {
  test(`spilled runs merge into the unspilled run's segments, byte for byte (rollup ${rollup}, input ${timeOrdered ? 'in time order' : 'shuffled'})`, async (t) => {
    const dir = await temporaryDirectory(t);
    const file = join(dir, 'rows.json');
    const rows = randomRows(6000, (rollup ? 11 : 12) + (timeOrdered ? 10 : 0));
    if (timeOrdered) rows.sort((left, right) => (left['ts'] as number) - (right['ts'] as number));
    await writeFile(file, jsonLines(rows));
    const unspilled = await ingest(t, parts(file, rollup, 1_000_000));
    const spilled = await ingest(t, parts(file, rollup, 700));
    assert.ok(unspilled.segments.length >= 2);
    const expected = await segmentBytes(unspilled);
    const actual = await segmentBytes(spilled);
    assert.equal(actual.length, expected.length);
    actual.forEach((bytes, index) => assert.ok(bytes.equals(expected[index]!), `segment ${index} differs`));
    const stored = await readAllRows(spilled);
    const count = stored.reduce((total, row) => total + (row['count'] as number), 0);
    assert.equal(count, rows.length);
    if (!rollup) assert.equal(stored.length, rows.length);
    else assert.ok(stored.length < rows.length);
  });
}

test('runs written before a dimension was discovered read it as null, sorted first', async (t) => {
  const dir = await temporaryDirectory(t);
  // Schema discovery: `late` first appears after the first spill.
  const rows: Row[] = [];
  for (let index = 0; index < 40; index++) rows.push({ ts: base + (index % 5) * MINUTE, early: `e${index % 3}`, ...(index >= 20 ? { late: `l${index % 4}` } : {}) });
  const file = join(dir, 'rows.json');
  await writeFile(file, jsonLines(rows));
  const spec = (maxRowsInMemory: number): SpecParts => ({
    inputSource: { type: 'local', files: [file] },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: [] },
    granularitySpec: { rollup: false },
    tuningConfig: { maxRowsInMemory },
  });
  const unspilled = await ingest(t, spec(1000));
  const spilled = await ingest(t, spec(7));
  assert.deepEqual(await readAllRows(spilled), await readAllRows(unspilled));
  const stored = await readAllRows(spilled);
  assert.equal(stored.length, 40);
  assert.equal(stored.filter((row) => row['late'] === null).length, 20);
});

test('runs kept in memory, then runs spilled to files once multi-value rows appear, merge like the unspilled run', async (t) => {
  const dir = await temporaryDirectory(t);
  const next = random(31);
  // Rows in shuffled time order; only the last third has multi-value tags (those rounds go to files).
  const rows: Row[] = Array.from({ length: 900 }, (_, index) => ({
    ts: base + Math.floor(next() * 30) * MINUTE,
    city: ['Paris', 'Lima', null, 'Oslo'][Math.floor(next() * 4)]!,
    tags: index < 600 ? `t${Math.floor(next() * 3)}` : [`t${Math.floor(next() * 3)}`, 'u'],
    added: Math.floor(next() * 100),
  }));
  const file = join(dir, 'rows.json');
  await writeFile(file, jsonLines(rows));
  for (const rollup of [false, true]) {
    const spec = (maxRowsInMemory: number): SpecParts => ({
      inputSource: { type: 'local', files: [file] },
      inputFormat: { type: 'json' },
      dimensionsSpec: { dimensions: ['city', 'tags'] },
      metricsSpec: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'added', fieldName: 'added' }],
      granularitySpec: { segmentGranularity: 'day', queryGranularity: rollup ? 'hour' : 'none', rollup },
      tuningConfig: { maxRowsInMemory },
    });
    const unspilled = await readAllRows(await ingest(t, spec(100_000)));
    const spilled = await readAllRows(await ingest(t, spec(70)));
    assert.deepEqual(spilled, unspilled, `rollup ${rollup}`);
    assert.equal(spilled.reduce((total, row) => total + (row['count'] as number), 0), rows.length);
  }
});

test('RunMerge declines runs it cannot merge on columns (multi-value strings, sketches)', async (t) => {
  const dir = await temporaryDirectory(t);
  const file = join(dir, 'rows.json');
  await writeFile(file, jsonLines([{ ts: base, tags: ['a', 'b'], n: 1 }, { ts: base + 1, tags: 'c', n: 2 }]));
  const result = await ingest(t, {
    inputSource: { type: 'local', files: [file] },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: ['tags'] },
    granularitySpec: { rollup: false },
  });
  const path = result.segments[0]!.path;
  const opened = [await openSegment(path), await openSegment(path)];
  t.after(() => opened.forEach((segment) => segment.close()));
  const dimensions = [stringDimension('tags')];
  const spec = parseIndexTaskSpec(taskJson({ inputSource: { type: 'local', files: [file] }, inputFormat: { type: 'json' }, metricsSpec: [{ type: 'count', name: 'count' }] }));
  assert.equal(RunMerge.of([opened[0]!], dimensions, spec.ingestionMetrics), null);
  const sketchSpec = parseIndexTaskSpec(taskJson({ inputSource: { type: 'local', files: [file] }, inputFormat: { type: 'json' }, metricsSpec: [{ type: 'hyperUnique', name: 'count', fieldName: 'tags' }] }));
  assert.equal(RunMerge.of([opened[0]!], [], sketchSpec.ingestionMetrics), null);
  const merge = RunMerge.of(opened, [], spec.ingestionMetrics);
  assert.notEqual(merge, null);
  merge!.merge(false);
  assert.equal(merge!.rowCount, 4);
  assert.deepEqual([...merge!.times], [base, base, base + 1, base + 1]);
});

test('an abort during the merge stops it with the signal reason', async (t) => {
  const dir = await temporaryDirectory(t);
  const file = join(dir, 'rows.json');
  await writeFile(file, jsonLines(randomRows(300, 5)));
  const result = await ingest(t, parts(file, false, 1_000_000));
  const spec = parseIndexTaskSpec(taskJson(parts(file, false, 1_000_000)));
  const runs = await Promise.all(result.segments.map((segment) => openSegment(segment.path)));
  t.after(() => runs.forEach((run) => run.close()));
  const merge = RunMerge.of(runs, [stringDimension('city')], spec.ingestionMetrics)!;
  const controller = new AbortController();
  controller.abort(new Error('stop now'));
  assert.throws(() => merge.merge(false, controller.signal), /stop now/);
  // The same runs, merged to the end: every row, in time order, cities as stored.
  merge.merge(false);
  assert.equal(merge.rowCount, 300);
  for (let row = 1; row < merge.rowCount; row++) assert.ok(merge.times[row - 1]! <= merge.times[row]!);
  const cities = merge.columnSources(0, merge.rowCount)[0]!.produce();
  assert.ok(cities.kind === 'string' && !cities.multiValue);
  const stored = (await readAllRows(result)).map((row) => row['city'] ?? null).sort();
  assert.deepEqual([...cities.ids].map((id) => cities.dictionary[id] ?? null).sort(), stored);
});
