import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDimensionValues, toNumber, toStringDimensionValue } from '../../realtime/dimension-values.js';

test('multi-value handling: SORTED_ARRAY sorts, SORTED_SET sorts and dedups, ARRAY keeps order', () => {
  const input = ['b', null, 'a', 'b'];
  assert.deepEqual(toStringDimensionValue(input, 'SORTED_ARRAY'), [null, 'a', 'b', 'b']);
  assert.deepEqual(toStringDimensionValue(input, 'SORTED_SET'), [null, 'a', 'b']);
  assert.deepEqual(toStringDimensionValue(input, 'ARRAY'), ['b', null, 'a', 'b']);
  assert.equal(toStringDimensionValue(['x', 'x'], 'SORTED_SET'), 'x');
  assert.equal(toStringDimensionValue([], 'SORTED_ARRAY'), null);
  assert.equal(toStringDimensionValue([7], 'SORTED_ARRAY'), '7');
  assert.equal(toStringDimensionValue(true, 'SORTED_ARRAY'), 'true');
  assert.equal(toStringDimensionValue('', 'SORTED_ARRAY'), '');
  assert.equal(toStringDimensionValue(undefined, 'SORTED_ARRAY'), null);
});

test('numeric conversion: numbers and numeric strings; null stays null; anything else is unreadable', () => {
  assert.equal(toNumber(3.5), 3.5);
  assert.equal(toNumber(' 42 '), 42);
  assert.equal(toNumber('1e3'), 1000);
  assert.equal(toNumber(null), null);
  assert.equal(toNumber(''), null);
  assert.equal(toNumber('abc'), undefined);
  assert.equal(toNumber({}), undefined);
  assert.equal(toNumber(['5']), 5);
  assert.equal(toNumber(['5', '6']), undefined);
});

test('value order: null first, strings by code unit, lists element-wise then by length, numbers numerically', () => {
  const strings = ['b', null, ['a', 'b'], 'a', ['a', 'a'], 'B', [null, 'z']];
  const sorted = [...strings].sort(compareDimensionValues);
  assert.deepEqual(sorted, [null, [null, 'z'], 'B', 'a', ['a', 'a'], ['a', 'b'], 'b']);
  assert.deepEqual([3, null, -1, 2.5].sort(compareDimensionValues), [null, -1, 2.5, 3]);
});
