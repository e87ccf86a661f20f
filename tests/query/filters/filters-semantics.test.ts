// Hand-worked Druid semantics per filter type on a small literal segment, and parse errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SedimentError } from '../../../cluster/errors.js';
import { parseFilter } from '../../../query/filters/parse-filter.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';

const T0 = Date.parse('2015-09-12T00:00:00.000Z');
const HOUR = 3_600_000;

// row: 0      1        2       3      4        5
const segment = segmentFromRows(
  {
    dataSource: 'wiki',
    interval: { startMs: T0, endMs: T0 + 24 * HOUR },
    version: 'v1',
    partition: 0,
    rollup: false,
    queryGranularity: 'none',
    dimensions: ['page', 'tags', 'age'],
    metrics: [],
  },
  [
    { name: 'page', kind: 'string' },
    { name: 'tags', kind: 'multiString' },
    { name: 'age', kind: 'long' },
    { name: 'score', kind: 'double' },
  ],
  [
    { __time: T0, page: 'Apple', tags: ['x', 'y'], age: 21, score: 1.5 },
    { __time: T0 + HOUR, page: 'banana', tags: [], age: null, score: 2 },
    { __time: T0 + 2 * HOUR, page: null, tags: ['y'], age: 31, score: null },
    { __time: T0 + 3 * HOUR, page: 'a_b', tags: ['z', null], age: 5, score: -0.5 },
    { __time: T0 + 4 * HOUR, page: '10', tags: null, age: 100, score: 10 },
    { __time: T0 + 5 * HOUR, page: '9', tags: 'x', age: 9, score: 0.1 },
  ],
);

function rows(json: unknown): { matches: number[]; unknown: number[] } {
  const result = parseFilter(json, 'filter').evaluate(segment);
  return { matches: [...result.matches.toUint32Array()], unknown: [...result.unknown.toUint32Array()] };
}

test('selector: null rows are UNKNOWN for a value and TRUE for value null; not() keeps UNKNOWN out', () => {
  assert.deepEqual(rows({ type: 'selector', dimension: 'page', value: 'Apple' }), { matches: [0], unknown: [2] });
  assert.deepEqual(rows({ type: 'selector', dimension: 'page', value: null }), { matches: [2], unknown: [] });
  assert.deepEqual(rows({ type: 'not', field: { type: 'selector', dimension: 'page', value: 'Apple' } }), { matches: [1, 3, 4, 5], unknown: [2] });
  assert.deepEqual(rows({ type: 'selector', dimension: 'age', value: '31' }), { matches: [2], unknown: [1] });
  assert.deepEqual(rows({ type: 'selector', dimension: 'nothing', value: 'x' }), { matches: [], unknown: [0, 1, 2, 3, 4, 5] });
  assert.deepEqual(rows({ type: 'selector', dimension: 'nothing' }), { matches: [0, 1, 2, 3, 4, 5], unknown: [] });
});

test('multi-value rows match when any value matches; a null among values makes the rest UNKNOWN', () => {
  // tags: 0 [x,y]  1 [] → null  2 [y]  3 [z,null]  4 null  5 [x]
  assert.deepEqual(rows({ type: 'selector', dimension: 'tags', value: 'y' }), { matches: [0, 2], unknown: [1, 3, 4] });
  assert.deepEqual(rows({ type: 'null', column: 'tags' }), { matches: [1, 3, 4], unknown: [] });
  assert.deepEqual(rows({ type: 'in', dimension: 'tags', values: ['z', 'x'] }), { matches: [0, 3, 5], unknown: [1, 4] });
});

test('equals never matches null; in with null matches null rows', () => {
  assert.deepEqual(rows({ type: 'equals', column: 'age', matchValueType: 'LONG', matchValue: 21 }), { matches: [0], unknown: [1] });
  assert.deepEqual(rows({ type: 'equals', column: 'score', matchValueType: 'DOUBLE', matchValue: 2 }), { matches: [1], unknown: [2] });
  assert.deepEqual(rows({ type: 'equals', column: 'page', matchValueType: 'LONG', matchValue: 10 }), { matches: [4], unknown: [2] });
  assert.deepEqual(rows({ type: 'in', dimension: 'page', values: ['9', null] }), { matches: [2, 5], unknown: [] });
  assert.deepEqual(rows({ type: 'in', dimension: 'age', values: ['9', '100', 'x'] }), { matches: [4, 5], unknown: [1] });
});

test('bound: lexicographic versus numeric ordering on strings and numbers', () => {
  // Lexicographic: "10" < "9" < "Apple" < "a_b" < "banana".
  assert.deepEqual(rows({ type: 'bound', dimension: 'page', lower: '10', upper: 'Apple', upperStrict: true }), { matches: [4, 5], unknown: [2] });
  // Numeric: non-numbers sort before numbers, so lower "2" keeps only 9 and 10.
  assert.deepEqual(rows({ type: 'bound', dimension: 'page', lower: '2', ordering: 'numeric' }), { matches: [4, 5], unknown: [2] });
  assert.deepEqual(rows({ type: 'bound', dimension: 'age', lower: '21', upper: '31', ordering: 'numeric' }), { matches: [0, 2], unknown: [1] });
  assert.deepEqual(rows({ type: 'bound', dimension: 'age', lower: '21', lowerStrict: true, upper: '31', upperStrict: true, ordering: 'numeric' }), { matches: [], unknown: [1] });
  // Lexicographic on a long column compares the decimal strings: "100" < "21" < "31" < "5" < "9".
  assert.deepEqual(rows({ type: 'bound', dimension: 'age', upper: '30' }), { matches: [0, 4], unknown: [1] });
  assert.deepEqual(rows({ type: 'bound', dimension: 'tags', lower: 'y' }), { matches: [0, 2, 3], unknown: [1, 4] });
});

test('range: numeric bounds on longs behave like ceil/floor of decimals', () => {
  assert.deepEqual(rows({ type: 'range', column: 'age', matchValueType: 'LONG', lower: 8.5, upper: 21 }), { matches: [0, 5], unknown: [1] });
  assert.deepEqual(rows({ type: 'range', column: 'score', matchValueType: 'DOUBLE', lower: 0.1, lowerOpen: true, upper: 2 }), { matches: [0, 1], unknown: [2] });
  assert.deepEqual(rows({ type: 'range', column: 'page', matchValueType: 'STRING', lower: 'a', upper: 'b' }), { matches: [3], unknown: [2] });
  assert.deepEqual(rows({ type: 'range', column: '__time', matchValueType: 'LONG', lower: T0 + HOUR, upper: T0 + 3 * HOUR, upperOpen: true }), { matches: [1, 2], unknown: [] });
});

test('like, regex and search', () => {
  assert.deepEqual(rows({ type: 'like', dimension: 'page', pattern: 'a\\_%', escape: '\\' }), { matches: [3], unknown: [2] });
  assert.deepEqual(rows({ type: 'like', dimension: 'page', pattern: 'a_b' }), { matches: [3], unknown: [2] });
  assert.deepEqual(rows({ type: 'like', dimension: 'page', pattern: '%an%' }), { matches: [1], unknown: [2] });
  assert.deepEqual(rows({ type: 'like', dimension: 'score', pattern: '%.5' }), { matches: [0, 3], unknown: [2] });
  assert.deepEqual(rows({ type: 'like', dimension: 'score', pattern: '10.0' }), { matches: [4], unknown: [2] });
  assert.deepEqual(rows({ type: 'regex', dimension: 'page', pattern: 'an' }), { matches: [1], unknown: [2] });
  assert.deepEqual(rows({ type: 'regex', dimension: 'page', pattern: '(?i)^a' }), { matches: [0, 3], unknown: [2] });
  assert.deepEqual(rows({ type: 'search', dimension: 'page', query: { type: 'contains', value: 'A' } }), { matches: [0, 1, 3], unknown: [2] });
  assert.deepEqual(rows({ type: 'search', dimension: 'page', query: { type: 'contains', value: 'A', caseSensitive: true } }), { matches: [0], unknown: [2] });
  assert.deepEqual(rows({ type: 'search', dimension: 'page', query: { type: 'fragment', values: ['N', 'b'] } }), { matches: [1], unknown: [2] });
});

test('interval on __time is start-inclusive, end-exclusive; and/or/true/false', () => {
  const interval = { type: 'interval', dimension: '__time', intervals: ['2015-09-12T01:00:00Z/2015-09-12T03:00:00Z', '2015-09-12T05:00Z/P1D'] };
  assert.deepEqual(rows(interval), { matches: [1, 2, 5], unknown: [] });
  assert.deepEqual(rows({ type: 'and', fields: [interval, { type: 'selector', dimension: 'page', value: 'banana' }] }), { matches: [1], unknown: [2] });
  assert.deepEqual(rows({ type: 'and', fields: [interval, { type: 'selector', dimension: 'page', value: '9' }] }), { matches: [5], unknown: [2] });
  assert.deepEqual(rows({ type: 'or', fields: [{ type: 'false' }, { type: 'selector', dimension: 'page', value: '9' }] }), { matches: [5], unknown: [2] });
  assert.deepEqual(rows({ type: 'true' }), { matches: [0, 1, 2, 3, 4, 5], unknown: [] });
  assert.deepEqual(rows({ type: 'false' }), { matches: [], unknown: [] });
});

test('columnComparison compares values as strings', () => {
  const comparison = segmentFromRows(
    { dataSource: 'd', interval: { startMs: 0, endMs: 10 }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: ['a', 'b'], metrics: [] },
    [
      { name: 'a', kind: 'string' },
      { name: 'b', kind: 'multiString' },
      { name: 'n', kind: 'long' },
    ],
    [
      { __time: 0, a: 'x', b: ['x', 'y'], n: 1 },
      { __time: 1, a: 'y', b: 'z', n: 2 },
      { __time: 2, a: '3', b: '3', n: 3 },
      { __time: 3, a: null, b: null, n: null },
    ],
  );
  const filter = parseFilter({ type: 'columnComparison', dimensions: ['a', { type: 'default', dimension: 'b' }] }, 'filter');
  assert.deepEqual([...filter.evaluate(comparison).matches.toUint32Array()], [0, 2, 3]);
  const numeric = parseFilter({ type: 'columnComparison', dimensions: ['a', 'n'] }, 'filter');
  assert.deepEqual([...numeric.evaluate(comparison).matches.toUint32Array()], [2, 3]);
  assert.equal(numeric.matchesRow((column) => ({ a: '3', n: 3 })[column]), true);
});

test('matchesRow on raw input values', () => {
  const filter = parseFilter({ type: 'not', field: { type: 'in', dimension: 'country', values: ['US', 'CA'] } }, 'filter');
  assert.equal(filter.matchesRow(() => 'FR'), true);
  assert.equal(filter.matchesRow(() => 'US'), false);
  assert.equal(filter.matchesRow(() => null), null);
  assert.equal(filter.matchesRow(() => ['FR', 'CA']), false);
  const numeric = parseFilter({ type: 'bound', dimension: 'n', lower: '10', ordering: 'numeric' }, 'filter');
  assert.equal(numeric.matchesRow(() => 9), false);
  assert.equal(numeric.matchesRow(() => '11'), true);
  assert.equal(numeric.matchesRow(() => undefined), null);
});

test('requiredColumns lists each column once', () => {
  const filter = parseFilter({ type: 'and', fields: [{ type: 'selector', dimension: 'a', value: 'x' }, { type: 'or', fields: [{ type: 'null', column: 'b' }, { type: 'like', dimension: 'a', pattern: '%' }] }] }, 'filter');
  assert.deepEqual(filter.requiredColumns(), ['a', 'b']);
});

function assertInvalid(json: unknown, messagePart: string, code = 'invalid_input'): void {
  assert.throws(
    () => parseFilter(json, 'filter'),
    (error: unknown) => error instanceof SedimentError && error.code === code && error.message.includes(messagePart),
    `expected ${code} mentioning ${messagePart}`,
  );
}

test('bad filters are rejected with the JSON path of the bad field', () => {
  assertInvalid({ type: 'and', fields: [{ type: 'true' }, { type: 'true' }, { type: 'selector', value: 'x' }] }, 'filter.fields[2].dimension');
  assertInvalid({ type: 'nope' }, 'filter.type');
  assertInvalid({ dimension: 'x' }, 'filter.type');
  assertInvalid('selector', 'filter');
  assertInvalid({ type: 'not', field: { type: 'in', dimension: 'x', values: 'a' } }, 'filter.field.values');
  assertInvalid({ type: 'bound', dimension: 'x' }, 'lower, upper');
  assertInvalid({ type: 'bound', dimension: 'x', lower: 'a', ordering: 'weird' }, 'filter.ordering');
  assertInvalid({ type: 'range', column: 'x', matchValueType: 'LONG', lower: 'abc' }, 'filter.lower');
  assertInvalid({ type: 'equals', column: 'x', matchValueType: 'STRING' }, 'filter.matchValue');
  assertInvalid({ type: 'regex', dimension: 'x', pattern: '(' }, 'filter.pattern');
  assertInvalid({ type: 'interval', dimension: '__time', intervals: ['2015-01-02/2015-01-01'] }, 'filter.intervals[0]');
  assertInvalid({ type: 'search', dimension: 'x', query: { type: 'prefix', value: 'a' } }, 'filter.query.type');
  assertInvalid({ type: 'columnComparison', dimensions: ['a'] }, 'filter.dimensions');
  assertInvalid({ type: 'expression', expression: 'a > 1' }, 'expression', 'unsupported');
  assertInvalid({ type: 'selector', dimension: 'x', value: 'a', extractionFn: { type: 'upper' } }, 'extractionFn', 'unsupported');
});
