import { test } from 'node:test';
import assert from 'node:assert/strict';
import RoaringModule from 'roaring';
import { FilteredAggregatorFactory } from '../../../query/aggregators/filtered-aggregator.js';
import { parseAggregator } from '../../../query/aggregators/parse-aggregator.js';
import type { Filter, FilterResult } from '../../../query/filters/filter.js';
import type { QueryableSegment } from '../../../query/queryable-segment.js';
import {
  approximately,
  buildSegment,
  checkAggregator,
  exactly,
  literalNumber,
  randomBatch,
  randomRows,
  seededRandom,
  type Row,
} from './aggregator-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

/** A stand-in filter: rows whose literal row satisfies `predicate` (independent of the filter helpers). */
function predicateFilter(rows: readonly Row[], predicate: (row: Row) => boolean): Filter {
  return {
    type: 'test',
    requiredColumns: () => ['s'],
    evaluate(_segment: QueryableSegment): FilterResult {
      const matches = new RoaringBitmap32();
      rows.forEach((row, index) => {
        if (predicate(row)) matches.add(index);
      });
      return { matches, unknown: new RoaringBitmap32() };
    },
    matchesRow: () => null,
  };
}

test('filtered folds only matching rows into the wrapped aggregator', () => {
  const random = seededRandom(31);
  for (let trial = 0; trial < 5; trial++) {
    const rowCount = 50 + Math.floor(random() * 400);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 25));
    const predicates: ((row: Row) => boolean)[] = [
      (row) => row['s'] === 'apple' || row['s'] === 'banana',
      () => true,
      () => false,
      (row) => typeof row['l'] === 'number' && (row['l'] as number) > 0,
    ];
    for (const predicate of predicates) {
      const filter = predicateFilter(data.rows, predicate);
      const count = new FilteredAggregatorFactory('c', filter, parseAggregator({ type: 'count', name: 'inner' }, 'a'), {});
      checkAggregator(count, data, batch, (rows) => rows.filter(predicate).length, exactly);
      const sum = new FilteredAggregatorFactory('s', filter, parseAggregator({ type: 'doubleSum', name: 's', fieldName: 'd' }, 'a'), {});
      const sumReference = (rows: readonly Row[]) => {
        const values = rows.filter(predicate).flatMap((row) => {
          const value = literalNumber(row, 'd');
          return value === null ? [] : [value];
        });
        return values.length === 0 ? null : values.reduce((total, value) => total + value, 0);
      };
      checkAggregator(sum, data, batch, sumReference, approximately(1e-9));
    }
  }
});

test('filtered reports its own name and the union of required columns', () => {
  const data = buildSegment([{ __time: 0, s: 'a' }]);
  const filter = predicateFilter(data.rows, () => true);
  const factory = new FilteredAggregatorFactory('outer', filter, parseAggregator({ type: 'longSum', name: 'inner', fieldName: 'l' }, 'a'), {});
  assert.equal(factory.name, 'outer');
  assert.deepEqual([...factory.requiredColumns()].sort(), ['l', 's']);
  assert.equal(factory.empty(), null);
});

test('filtered parses its filter with parseFilter and names nested error paths', () => {
  const random = seededRandom(32);
  const data = buildSegment(randomRows(random, 300));
  const batch = randomBatch(random, 300, 500, 12);
  const json = {
    type: 'filtered',
    name: 'fruit_rows',
    filter: { type: 'in', dimension: 's', values: ['apple', 'cherry'] },
    aggregator: { type: 'count', name: 'inner' },
  };
  const factory = parseAggregator(json, 'aggregations[0]');
  assert.equal(factory.name, 'fruit_rows');
  checkAggregator(factory, data, batch, (rows) => rows.filter((row) => row['s'] === 'apple' || row['s'] === 'cherry').length, exactly);
  const unnamed = parseAggregator({ ...json, name: undefined }, 'aggregations[0]');
  assert.equal(unnamed.name, 'inner');
  assert.throws(
    () => parseAggregator({ ...json, aggregator: { type: 'longSum', name: 'x' } }, 'aggregations[3]'),
    /^SedimentError: aggregations\[3\]\.aggregator\.fieldName:/,
  );
});
