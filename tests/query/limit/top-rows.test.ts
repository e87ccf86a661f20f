import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { topRows } from '../../../query/limit/top-rows.js';
import { randomSource } from '../query-types/random-data.js';

describe('topRows', () => {
  it('equals a stable sort cut to the count, ties included', () => {
    const random = randomSource(11);
    for (let trial = 0; trial < 200; trial++) {
      const length = Math.floor(random() * 300);
      // Few distinct keys, so most comparisons tie and stability matters.
      const items = Array.from({ length }, (_, index) => ({ key: Math.floor(random() * 12), index }));
      const compare = (left: { key: number }, right: { key: number }): number => right.key - left.key;
      const count = Math.floor(random() * 40);
      assert.deepEqual(topRows(items, compare, count), [...items].sort(compare).slice(0, count), `trial ${trial}`);
    }
  });

  it('returns nothing for a count of zero and everything for a large count', () => {
    assert.deepEqual(topRows([3, 1, 2], (left, right) => left - right, 0), []);
    assert.deepEqual(topRows([3, 1, 2], (left, right) => left - right, 10), [1, 2, 3]);
  });
});
