// Every filter type, randomly nested under and/or/not, on random segments with nulls and
// multi-value rows: the bitmaps must equal a naive per-row three-valued reference, and matchesRow
// must agree with evaluate row by row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../../../query/filters/parse-filter.js';
import { filterRows } from '../../../query/filters/filter-rows.js';
import { referenceEvaluate } from './reference-filter.js';
import { DOUBLE_COLUMNS, randomFilter, randomSegment, randomSource } from './random-filter-cases.js';

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
