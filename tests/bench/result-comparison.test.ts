import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchQuery } from '../../bench/bench-query.js';
import { druidResultRows } from '../../bench/druid-result-rows.js';
import { compareResults, valuesEqual } from '../../bench/result-comparison.js';
import { SeededRandom } from '../../bench/seeded-random.js';

type Shape = Pick<BenchQuery, 'columns' | 'comparison'>;

function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = random.nextInt(index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

describe('valuesEqual', () => {
  it('accepts relative differences up to 1e-9 and rejects larger ones', () => {
    assert.equal(valuesEqual(1e12, 1e12 + 999), true);
    assert.equal(valuesEqual(1e12, 1e12 + 1001), false);
    assert.equal(valuesEqual(0, 0), true);
    assert.equal(valuesEqual(0, 1e-300), false);
  });

  it('treats null and undefined alike and compares strings exactly', () => {
    assert.equal(valuesEqual(null, undefined), true);
    assert.equal(valuesEqual(null, 0), false);
    assert.equal(valuesEqual('v1', 'v1'), true);
    assert.equal(valuesEqual('1', 1), false);
  });
});

describe('compareResults', () => {
  const ordered: Shape = { columns: ['__time', 'total'], comparison: { kind: 'ordered' } };

  it('ordered: equal sequences match, a swapped pair or a missing row does not', () => {
    const rows = [
      { __time: 0, total: 5 },
      { __time: 60_000, total: 7 },
    ];
    assert.equal(compareResults(ordered, rows, rows.map((row) => ({ ...row, extra: 'ignored' }))).match, true);
    assert.equal(compareResults(ordered, [...rows].reverse(), rows).match, false);
    const missing = compareResults(ordered, rows.slice(1), rows);
    assert.equal(missing.match, false);
    assert.match(missing.detail ?? '', /Sediment returned 1 rows, DuckDB 2/);
  });

  it('unordered: any permutation matches; one changed value is found (randomized)', () => {
    const random = new SeededRandom(7);
    const shape: Shape = { columns: ['d1', 'd2', 'sum'], comparison: { kind: 'unordered', keys: ['d1', 'd2'] } };
    for (let trial = 0; trial < 50; trial++) {
      const rows = Array.from({ length: 1 + random.nextInt(40) }, (_, index) => ({ d1: `a${index % 7}`, d2: `b${index}`, sum: random.nextFloat() * 1e6 }));
      assert.equal(compareResults(shape, shuffled(rows, random), rows).match, true);
      const broken = rows.map((row) => ({ ...row }));
      const victim = broken[random.nextInt(broken.length)] as { sum: number };
      victim.sum += Math.max(1, victim.sum * 1e-6);
      assert.equal(compareResults(shape, shuffled(broken, random), rows).match, false);
    }
  });

  it('top: rows tied with the last value may differ, rows ahead of it may not', () => {
    const shape: Shape = { columns: ['d', 'total'], comparison: { kind: 'top', sortColumn: 'total' } };
    const duckDb = [
      { d: 'x', total: 9 },
      { d: 'y', total: 8 },
      { d: 'z', total: 5 },
    ];
    assert.equal(compareResults(shape, [{ d: 'x', total: 9 }, { d: 'y', total: 8 }, { d: 'q', total: 5 }], duckDb).match, true);
    assert.equal(compareResults(shape, [{ d: 'x', total: 9 }, { d: 'w', total: 8 }, { d: 'z', total: 5 }], duckDb).match, false);
    assert.equal(compareResults(shape, [{ d: 'y', total: 8 }, { d: 'x', total: 9 }, { d: 'z', total: 5 }], duckDb).match, false);
    assert.equal(compareResults(shape, duckDb.slice(0, 2), duckDb).match, false);
  });

  it('approximate: within the tolerance only', () => {
    const shape: Shape = { columns: ['distinct'], comparison: { kind: 'approximate', relativeTolerance: 0.05 } };
    assert.equal(compareResults(shape, [{ distinct: 1040 }], [{ distinct: 1000 }]).match, true);
    assert.equal(compareResults(shape, [{ distinct: 1060 }], [{ distinct: 1000 }]).match, false);
  });

});

describe('druidResultRows', () => {
  it('flattens timeseries, topN, groupBy and compacted scan responses', () => {
    assert.deepEqual(druidResultRows('timeseries', [{ timestamp: '2024-01-01T01:00:00.000Z', result: { n: 3 } }]), [{ __time: Date.UTC(2024, 0, 1, 1), n: 3 }]);
    assert.deepEqual(druidResultRows('topN', [{ timestamp: '2024-01-01T00:00:00.000Z', result: [{ d: 'a', n: 2 }, { d: 'b', n: 1 }] }]), [
      { __time: Date.UTC(2024, 0, 1), d: 'a', n: 2 },
      { __time: Date.UTC(2024, 0, 1), d: 'b', n: 1 },
    ]);
    assert.deepEqual(druidResultRows('groupBy', [{ version: 'v1', timestamp: '2024-01-01T00:00:00.000Z', event: { d: 'a', n: 2 } }]), [{ __time: Date.UTC(2024, 0, 1), d: 'a', n: 2 }]);
    assert.deepEqual(druidResultRows('scan', [{ segmentId: 's', columns: ['__time', 'd'], events: [[5, 'a'], [6, 'b']] }]), [
      { __time: 5, d: 'a' },
      { __time: 6, d: 'b' },
    ]);
  });

  it('rejects a response that is not an array', () => {
    assert.throws(() => druidResultRows('timeseries', { error: 'boom' }), /must be a JSON array/);
  });
});
