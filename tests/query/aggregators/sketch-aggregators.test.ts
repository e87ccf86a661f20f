import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAggregator } from '../../../query/aggregators/parse-aggregator.js';
import { EXACT_HASHES_MAX, HyperLogLog } from '../../../query/hyper-log-log.js';
import {
  buildSegment,
  checkAggregator,
  randomBatch,
  randomRows,
  seededRandom,
  type Equality,
  type Row,
} from './aggregator-test-data.js';

/** Exact while the sketch is exact; within 4 standard errors of HLL(2^11) past that. */
const distinctCountEquality: Equality = (actual, expected, message) => {
  const truth = expected as number;
  const estimate = actual as number;
  if (truth <= EXACT_HASHES_MAX) assert.equal(estimate, truth, message);
  else assert.ok(Math.abs(estimate - truth) <= 0.1 * truth, `${message}: ${estimate} vs ${truth}`);
};

/** Non-null values of a dimension in a row (multi-value rows give each value). */
function valuesOf(row: Row, field: string): unknown[] {
  const value = row[field];
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.filter((item) => item !== null);
  return [value];
}

/** A row's value for byRow tuples: single values as is, multi-value rows sorted. */
function tupleValueOf(row: Row, field: string): unknown {
  const value = row[field];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return value;
  if (value.length === 0) return null;
  return value.length === 1 ? value[0] : [...value].sort();
}

test('cardinality by value counts distinct non-null values across the fields', () => {
  const random = seededRandom(21);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 50 + Math.floor(random() * 400);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 20));
    for (const fields of [['s'], ['m'], ['s', 'm'], ['n', 's'], ['l'], ['d'], ['__time'], ['missing'], ['s', 'missing']]) {
      const factory = parseAggregator({ type: 'cardinality', name: 'c', fields }, 'aggregations[0]');
      const reference = (rows: readonly Row[]) => {
        const distinct = new Set<string>();
        for (const row of rows) for (const field of fields) for (const value of valuesOf(row, field)) distinct.add(JSON.stringify(value));
        return distinct.size;
      };
      checkAggregator(factory, data, batch, reference, distinctCountEquality);
    }
  }
});

test('cardinality by row counts distinct combinations, a row of nulls included', () => {
  const random = seededRandom(22);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 50 + Math.floor(random() * 400);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 20));
    for (const fields of [['s'], ['s', 'n'], ['m', 's'], ['l', 's'], ['s', 'missing']]) {
      const factory = parseAggregator({ type: 'cardinality', name: 'c', fields, byRow: true }, 'aggregations[0]');
      const reference = (rows: readonly Row[]) =>
        new Set(rows.map((row) => JSON.stringify(fields.map((field) => tupleValueOf(row, field))))).size;
      checkAggregator(factory, data, batch, reference, distinctCountEquality);
    }
  }
});

test('cardinality estimates large groups within HLL error and rounds when asked', () => {
  const rowCount = 30_000;
  const rows = Array.from({ length: rowCount }, (_, index) => ({ __time: index, s: `v${index % 20_000}`, l: index % 7 }));
  const data = buildSegment(rows);
  const batch = { rows: Uint32Array.from(rows.keys()), groups: Uint32Array.from(rows, (row) => row.l % 2), groupCount: 2 };
  const reference = (groupRows: readonly Row[]) => new Set(groupRows.map((row) => row['s'])).size;
  for (const round of [false, true]) {
    const factory = parseAggregator({ type: 'cardinality', name: 'c', fields: [{ type: 'default', dimension: 's', outputName: 'x' }], round }, 'a');
    checkAggregator(factory, data, batch, reference, distinctCountEquality);
    const accumulator = factory.accumulator(data.segment);
    accumulator.aggregate(batch.rows, batch.groups, rowCount);
    const estimate = factory.finalize(accumulator.result(0)) as number;
    assert.equal(Number.isInteger(estimate), round);
  }
});

test('hyperUnique merges per-row sketches; over raw columns it sketches values', () => {
  const random = seededRandom(23);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 50 + Math.floor(random() * 600);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 6));
    const merged = parseAggregator({ type: 'hyperUnique', name: 'u', fieldName: 'h' }, 'aggregations[0]');
    const mergedReference = (rows: readonly Row[]) => new Set(rows.flatMap((row) => row['hv'] as string[])).size;
    checkAggregator(merged, data, batch, mergedReference, distinctCountEquality);
    for (const field of ['s', 'm', 'missing']) {
      const raw = parseAggregator({ type: 'hyperUnique', name: 'u', fieldName: field, round: true }, 'aggregations[0]');
      const rawReference = (rows: readonly Row[]) => new Set(rows.flatMap((row) => valuesOf(row, field))).size;
      checkAggregator(raw, data, batch, rawReference, distinctCountEquality);
    }
  }
});

test('sketch partials combine as objects, bytes or base64 text, and an empty group is 0', () => {
  const factory = parseAggregator({ type: 'hyperUnique', name: 'u', fieldName: 'h' }, 'a');
  const left = HyperLogLog.create();
  left.addString('a');
  left.addString('b');
  const right = HyperLogLog.create();
  right.addString('b');
  right.addString('c');
  assert.equal(factory.finalize(factory.combine(left.clone(), right.serialize())), 3);
  assert.equal(factory.finalize(factory.combine(JSON.parse(JSON.stringify(left)), right.clone())), 3);
  assert.equal(factory.finalize(factory.combine(null, right.clone())), 2);
  assert.equal(factory.finalize(factory.empty()), 0);
  assert.equal(factory.finalize(null), 0);
  assert.deepEqual([5, 0, 2].sort((a, b) => factory.compare(a, b)), [0, 2, 5]);
});
