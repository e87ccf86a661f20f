// Every filter type, randomly nested under and/or/not, on random segments with nulls and
// multi-value rows: the bitmaps must equal a naive per-row three-valued reference, and matchesRow
// must agree with evaluate row by row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import { parseFilter } from '../../../query/filters/parse-filter.js';
import type { QueryableSegment } from '../../../query/queryable-segment.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { filterRows } from '../../../query/filters/filter-rows.js';
import { referenceEvaluate } from './reference-filter.js';
import { DOUBLE_COLUMNS, randomFilter, randomSegment, randomSource } from './random-filter-cases.js';

const { RoaringBitmap32 } = RoaringModule;
type RoaringBitmap32 = RoaringBitmap32Type;

const SEGMENTS = 12;
const FILTERS_PER_SEGMENT = 120;

test('bitmap evaluation equals the per-row reference on random segments and filters', () => {
  let checked = 0;
  let withTrue = 0;
  let withUnknown = 0;
  for (let seed = 1; seed <= SEGMENTS; seed++) {
    const random = randomSource(seed);
    const { segment, rows } = randomSegment(random, 50 + Math.floor(random() * 400));
    for (let index = 0; index < FILTERS_PER_SEGMENT; index++) {
      const json = randomFilter(random, 3);
      const filter = parseFilter(json, 'filter');
      const result = filter.evaluate(segment);
      const expectedTrue: number[] = [];
      const expectedUnknown: number[] = [];
      rows.forEach((row, rowId) => {
        const truth = referenceEvaluate(json, row, DOUBLE_COLUMNS);
        if (truth === true) expectedTrue.push(rowId);
        else if (truth === null) expectedUnknown.push(rowId);
      });
      const context = `seed ${seed}, filter ${JSON.stringify(json)}`;
      assert.deepEqual([...result.matches.toUint32Array()], expectedTrue, `TRUE rows differ: ${context}`);
      assert.deepEqual([...result.unknown.toUint32Array()], expectedUnknown, `UNKNOWN rows differ: ${context}`);
      assert.deepEqual([...filterRows(filter, segment).toUint32Array()], expectedTrue, `filterRows differs: ${context}`);
      checked++;
      if (expectedTrue.length > 0 && expectedTrue.length < rows.length) withTrue++;
      if (expectedUnknown.length > 0) withUnknown++;
    }
  }
  assert.equal(checked, SEGMENTS * FILTERS_PER_SEGMENT);
  // The generator must produce informative cases, not only all-or-nothing results.
  assert.ok(withTrue > checked / 3, `only ${withTrue} of ${checked} filters selected a proper subset`);
  assert.ok(withUnknown > checked / 5, `only ${withUnknown} of ${checked} filters had UNKNOWN rows`);
});

/** A random `within`: empty, a contiguous run, a sparse or a dense random subset of the rows. */
function randomWithin(random: () => number, rowCount: number): RoaringBitmap32 {
  const within = new RoaringBitmap32();
  const shape = Math.floor(random() * 4);
  if (shape === 1) {
    const start = Math.floor(random() * rowCount);
    within.addRange(start, start + Math.floor(random() * (rowCount - start)) + 1);
  } else if (shape >= 2) {
    const density = shape === 2 ? 0.03 : 0.5;
    for (let row = 0; row < rowCount; row++) if (random() < density) within.add(row);
  }
  return within;
}

test('evaluation within a subset of rows is right on every row of the subset', () => {
  let sparse = 0;
  for (let seed = 200; seed < 208; seed++) {
    const random = randomSource(seed);
    const { segment, rows } = randomSegment(random, 300 + Math.floor(random() * 300));
    for (let index = 0; index < 100; index++) {
      const json = randomFilter(random, 3);
      const filter = parseFilter(json, 'filter');
      const within = randomWithin(random, rows.length);
      if (within.size > 0 && within.size * 16 < within.maximum() - within.minimum()) sparse++;
      const result = filter.evaluate(segment, within);
      for (const rowId of within) {
        const expected = referenceEvaluate(json, rows[rowId]!, DOUBLE_COLUMNS);
        const actual = result.matches.has(rowId) ? true : result.unknown.has(rowId) ? null : false;
        assert.equal(actual, expected, `seed ${seed}, row ${rowId}, filter ${JSON.stringify(json)}`);
      }
    }
  }
  assert.ok(sparse > 50, `only ${sparse} sparse subsets: the listed-row scans were barely exercised`);
});

test('and evaluates its index-answered children first, and scans numeric children only where they can matter', () => {
  const baseMs = Date.parse('2020-01-01T00:00:00.000Z');
  const input = Array.from({ length: 2_000 }, (_, row) => ({ __time: baseMs + row, s: row % 50 === 7 ? 'rare' : 'common', l: row % 10 }));
  const segment = segmentFromRows(
    { dataSource: 'test', interval: { startMs: baseMs, endMs: baseMs + 86_400_000 }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: ['s'], metrics: [] },
    [{ name: 's', kind: 'string' }, { name: 'l', kind: 'long' }],
    input,
  );
  const column = segment.column('l');
  assert.ok(column !== undefined && column.kind === 'long');
  const reads: number[] = [];
  const values = new Proxy(column.values, {
    get(target, key) {
      if (typeof key === 'string' && /^[0-9]+$/.test(key)) reads.push(Number(key));
      return Reflect.get(target, key) as unknown;
    },
  });
  const watched: QueryableSegment = Object.assign(Object.create(segment) as QueryableSegment, {
    column: (name: string) => (name === 'l' ? { ...column, values } : segment.column(name)),
  });
  // The range comes first in the JSON; it must still run second, over the 40 'rare' rows only.
  const filter = parseFilter(
    { type: 'and', fields: [{ type: 'range', column: 'l', matchValueType: 'LONG', lower: 5 }, { type: 'equals', column: 's', matchValueType: 'STRING', matchValue: 'rare' }] },
    'filter',
  );
  const matches = filter.evaluate(watched).matches;
  const rareRows = input.flatMap((row, rowId) => (row.s === 'rare' ? [rowId] : []));
  assert.deepEqual(reads, rareRows);
  assert.deepEqual([...matches.toUint32Array()], rareRows.filter((rowId) => input[rowId]!.l >= 5));
});

test('matchesRow agrees with evaluate on every row', () => {
  for (let seed = 100; seed < 106; seed++) {
    const random = randomSource(seed);
    const { segment, rows } = randomSegment(random, 200, false);
    for (let index = 0; index < 80; index++) {
      const json = randomFilter(random, 3);
      const filter = parseFilter(json, 'filter');
      const result = filter.evaluate(segment);
      rows.forEach((row, rowId) => {
        const expected = result.matches.has(rowId) ? true : result.unknown.has(rowId) ? null : false;
        const actual = filter.matchesRow((column) => row[column]);
        assert.equal(actual, expected, `row ${rowId} ${JSON.stringify(row)}, filter ${JSON.stringify(json)}`);
      });
    }
  }
});

test('a null filter keeps every row', () => {
  const { segment } = randomSegment(randomSource(7), 123);
  assert.deepEqual([...filterRows(null, segment).toUint32Array()], Array.from({ length: 123 }, (_, row) => row));
});
