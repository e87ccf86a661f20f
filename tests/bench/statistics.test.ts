import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geometricMean, median } from '../../bench/statistics.js';

describe('statistics', () => {
  it('median of odd and even counts, unsorted input', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('geometric mean', () => {
    assert.ok(Math.abs(geometricMean([1, 4]) - 2) < 1e-12);
    assert.ok(Math.abs(geometricMean([0.5, 2, 1]) - 1) < 1e-12);
    assert.ok(Number.isNaN(geometricMean([1, 0])));
    assert.ok(Number.isNaN(geometricMean([])));
  });
});
