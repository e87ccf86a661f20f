import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../../cluster/errors.js';
import { parseAggregator } from '../../../query/aggregators/parse-aggregator.js';

function expectError(json: unknown, code: string, fieldPath: string): void {
  assert.throws(
    () => parseAggregator(json, 'aggregations[2]'),
    (error: unknown) => error instanceof SedimentError && error.code === code && error.message.startsWith(`${fieldPath}:`),
    `${JSON.stringify(json)} should fail at ${fieldPath}`,
  );
}

test('parse errors name the offending field', () => {
  expectError(null, 'invalid_input', 'aggregations[2]');
  expectError([], 'invalid_input', 'aggregations[2]');
  expectError({ name: 'x' }, 'invalid_input', 'aggregations[2].type');
  expectError({ type: 'nope', name: 'x' }, 'invalid_input', 'aggregations[2].type');
  expectError({ type: 'count' }, 'invalid_input', 'aggregations[2].name');
  expectError({ type: 'longSum', name: 'x' }, 'invalid_input', 'aggregations[2].fieldName');
  expectError({ type: 'doubleMax', name: 'x', fieldName: 7 }, 'invalid_input', 'aggregations[2].fieldName');
  expectError({ type: 'doubleSum', name: 'x', expression: 'a + b' }, 'unsupported', 'aggregations[2].expression');
  expectError({ type: 'stringFirst', name: 'x', fieldName: 's', maxStringBytes: 0 }, 'invalid_input', 'aggregations[2].maxStringBytes');
  expectError({ type: 'longLast', name: 'x', fieldName: 's', timeColumn: 3 }, 'invalid_input', 'aggregations[2].timeColumn');
  expectError({ type: 'cardinality', name: 'x', fields: [] }, 'invalid_input', 'aggregations[2].fields');
  expectError({ type: 'cardinality', name: 'x', fields: ['a', 5] }, 'invalid_input', 'aggregations[2].fields[1]');
  expectError({ type: 'cardinality', name: 'x', fields: [{ outputName: 'y' }] }, 'invalid_input', 'aggregations[2].fields[0].dimension');
  expectError({ type: 'cardinality', name: 'x', fields: ['a'], byRow: 'yes' }, 'invalid_input', 'aggregations[2].byRow');
  expectError({ type: 'hyperUnique', name: 'x', fieldName: 'u', round: 1 }, 'invalid_input', 'aggregations[2].round');
  expectError({ type: 'filtered', aggregator: { type: 'count', name: 'c' } }, 'invalid_input', 'aggregations[2].filter');
  expectError({ type: 'filtered', filter: { type: 'true' } }, 'invalid_input', 'aggregations[2].aggregator');
  expectError({ type: 'thetaSketch', name: 'x', fieldName: 'u' }, 'unsupported', 'aggregations[2].type');
});

test('parsed aggregators carry their type, name, JSON and defaults', () => {
  const json = { type: 'stringLast', name: 'last_page', fieldName: 'page' };
  const last = parseAggregator(json, 'aggregations[0]');
  assert.equal(last.type, 'stringLast');
  assert.equal(last.name, 'last_page');
  assert.equal(last.json, json);
  assert.deepEqual(last.requiredColumns(), ['page']);
  const timed = parseAggregator({ type: 'doubleFirst', name: 'f', fieldName: 'v', timeColumn: 'ts' }, 'a');
  assert.deepEqual(timed.requiredColumns(), ['v', 'ts']);
  const cardinality = parseAggregator({ type: 'cardinality', name: 'c', fields: ['a', { dimension: 'b' }, 'a'] }, 'a');
  assert.deepEqual(cardinality.requiredColumns(), ['a', 'b']);
  for (const type of ['longSum', 'doubleSum', 'floatSum', 'longMin', 'longMax', 'doubleMin', 'doubleMax', 'floatMin', 'floatMax']) {
    const factory = parseAggregator({ type, name: 'n', fieldName: 'x' }, 'a');
    assert.equal(factory.type, type);
    assert.equal(factory.empty(), null);
  }
  assert.equal(parseAggregator({ type: 'count', name: 'n' }, 'a').empty(), 0);
});
