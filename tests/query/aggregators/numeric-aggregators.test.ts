import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAggregator } from '../../../query/aggregators/parse-aggregator.js';
import {
  approximately,
  buildSegment,
  checkAggregator,
  exactly,
  float32Shortest,
  literalNumber,
  randomBatch,
  randomRows,
  seededRandom,
  type Equality,
  type Row,
} from './aggregator-test-data.js';

type ValueType = 'long' | 'double' | 'float';

function convert(type: ValueType, value: number): number {
  return type === 'long' ? Math.trunc(value) + 0 : type === 'float' ? Math.fround(value) : value;
}

function report(type: ValueType, value: number | null): number | null {
  return value === null ? null : type === 'float' ? float32Shortest(value) : value;
}

function inputs(rows: readonly Row[], field: string, type: ValueType): number[] {
  const values: number[] = [];
  for (const row of rows) {
    const value = literalNumber(row, field);
    if (value !== null) values.push(convert(type, value));
  }
  return values;
}

function equalityFor(type: ValueType, operation: string): Equality {
  if (type === 'long') return exactly;
  if (type === 'float') return approximately(1e-5);
  return operation === 'Sum' ? approximately(1e-9) : exactly;
}

const fields = ['l', 'd', 'f', 'n', 'm', 's', 'missing', '__time'];

test('count counts the folded rows of each group, repeats included, 0 for empty groups', () => {
  const random = seededRandom(1);
  const data = buildSegment(randomRows(random, 300));
  for (let trial = 0; trial < 5; trial++) {
    const batch = randomBatch(random, 300, 1 + Math.floor(random() * 900), 1 + Math.floor(random() * 40));
    checkAggregator(parseAggregator({ type: 'count', name: 'rows' }, 'aggregations[0]'), data, batch, (rows) => rows.length, exactly);
  }
});

test('sum aggregators match a reference on random segments with nulls', () => {
  const random = seededRandom(2);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 50 + Math.floor(random() * 400);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 30));
    for (const type of ['long', 'double', 'float'] as const) {
      for (const field of fields) {
        const factory = parseAggregator({ type: `${type}Sum`, name: `sum_${field}`, fieldName: field }, 'aggregations[0]');
        const reference = (rows: readonly Row[]) => {
          const values = inputs(rows, field, type);
          return values.length === 0 ? null : report(type, values.reduce((sum, value) => sum + value, 0));
        };
        checkAggregator(factory, data, batch, reference, equalityFor(type, 'Sum'));
      }
    }
  }
});

test('min and max aggregators match a reference on random segments with nulls', () => {
  const random = seededRandom(3);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 50 + Math.floor(random() * 400);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 30));
    for (const type of ['long', 'double', 'float'] as const) {
      for (const operation of ['Min', 'Max'] as const) {
        for (const field of fields) {
          const factory = parseAggregator({ type: `${type}${operation}`, name: 'x', fieldName: field }, 'aggregations[0]');
          const reference = (rows: readonly Row[]) => {
            const values = inputs(rows, field, type);
            if (values.length === 0) return null;
            return report(type, operation === 'Min' ? Math.min(...values) : Math.max(...values));
          };
          checkAggregator(factory, data, batch, reference, equalityFor(type, operation));
        }
      }
    }
  }
});

test('hand-worked sums: longSum truncates each input, floatSum reports float32 results in shortest form', () => {
  const data = buildSegment([
    { __time: 0, d: 1.9, f: 0.1, n: '2.5' },
    { __time: 1, d: -1.9, f: 0.2, n: 'x' },
    { __time: 2, d: 2.5, f: null, n: null },
  ]);
  const rows = Uint32Array.of(0, 1, 2);
  const groups = Uint32Array.of(0, 0, 0);
  const result = (json: object) => {
    const factory = parseAggregator(json, 'aggregations[0]');
    const accumulator = factory.accumulator(data.segment);
    accumulator.aggregate(rows, groups, 3);
    return factory.finalize(accumulator.result(0));
  };
  assert.equal(result({ type: 'longSum', name: 'a', fieldName: 'd' }), 1 - 1 + 2);
  assert.equal(result({ type: 'doubleSum', name: 'a', fieldName: 'd' }), 1.9 + -1.9 + 2.5);
  assert.equal(result({ type: 'floatSum', name: 'a', fieldName: 'f' }), 0.3);
  assert.equal(result({ type: 'doubleSum', name: 'a', fieldName: 'n' }), 2.5);
  assert.equal(result({ type: 'longMax', name: 'a', fieldName: 'd' }), 2);
  assert.equal(result({ type: 'doubleMin', name: 'a', fieldName: 'd' }), -1.9);
  assert.equal(result({ type: 'floatMax', name: 'a', fieldName: 'f' }), 0.2);
  assert.equal(result({ type: 'doubleSum', name: 'a', fieldName: 'absent' }), null);
});

test('compare orders numbers with nulls first', () => {
  const factory = parseAggregator({ type: 'doubleSum', name: 'a', fieldName: 'd' }, 'aggregations[0]');
  const values = [3, null, -1, 2.5, null];
  assert.deepEqual([...values].sort((a, b) => factory.compare(a, b)), [null, null, -1, 2.5, 3]);
  assert.equal(factory.combine(null, null), null);
  assert.equal(factory.combine(null, 2), 2);
  assert.equal(factory.combine(4, null), 4);
});
