import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../../cluster/errors.js';
import { HyperLogLog } from '../../../query/hyper-log-log.js';
import { parsePostAggregator } from '../../../query/post-aggregators/parse-post-aggregator.js';
import { postAggregatorComparator } from '../../../query/post-aggregators/post-aggregator-ordering.js';

const sketch = HyperLogLog.create();
for (const user of ['ann', 'bob', 'cy', 'ann']) sketch.addString(user);

/** A merged result row: partial values by name. */
const row = { added: 120, deleted: 30, edits: 4, zero: 0, missing: null, users: sketch, first: { timeMs: 5, value: 9 } };

/** Stand-in for the engine's finalizer: sketches become estimates, first/last pairs their value. */
function finalize(_name: string, value: unknown): unknown {
  if (value instanceof HyperLogLog) return Math.round(value.estimate());
  if (value !== null && typeof value === 'object' && 'value' in value) return value.value;
  return value;
}

function compute(json: object): unknown {
  return parsePostAggregator(json, 'postAggregations[0]').compute(row, finalize);
}

const field = (fieldName: string) => ({ type: 'fieldAccess', fieldName });

test('arithmetic works left to right over its fields', () => {
  assert.equal(compute({ type: 'arithmetic', name: 'net', fn: '-', fields: [field('added'), field('deleted')] }), 90);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '+', fields: [field('added'), field('deleted'), field('edits')] }), 154);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '*', fields: [field('edits'), { type: 'constant', value: 2.5 }] }), 10);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '/', fields: [field('added'), field('edits'), field('deleted')] }), 1);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: 'pow', fields: [field('edits'), { type: 'constant', value: 3 }] }), 64);
  const nested = {
    type: 'arithmetic',
    name: 'avg_net',
    fn: '/',
    fields: [{ type: 'arithmetic', fn: '-', fields: [field('added'), field('deleted')] }, field('edits')],
  };
  assert.equal(compute(nested), 22.5);
});

test('division by zero is 0 for "/" and a true division for quotient; nulls propagate', () => {
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '/', fields: [field('added'), field('zero')] }), 0);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '/', fields: [field('zero'), field('zero')] }), 0);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: 'quotient', fields: [field('added'), field('zero')] }), Infinity);
  assert.ok(Number.isNaN(compute({ type: 'arithmetic', name: 'x', fn: 'quotient', fields: [field('zero'), field('zero')] })));
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '+', fields: [field('added'), field('missing')] }), null);
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '*', fields: [field('nonexistent'), field('added')] }), null);
});

test('fieldAccess returns the partial, finalizingFieldAccess the finalized value', () => {
  assert.equal(compute({ type: 'fieldAccess', name: 'u', fieldName: 'users' }), sketch);
  assert.equal(compute({ type: 'finalizingFieldAccess', name: 'u', fieldName: 'users' }), 3);
  assert.equal(compute({ type: 'finalizingFieldAccess', name: 'f', fieldName: 'first' }), 9);
  assert.equal(compute({ type: 'hyperUniqueCardinality', name: 'u', fieldName: 'users' }), 3);
  // Arithmetic over a sketch reads its estimate, over a first/last pair its value.
  assert.equal(compute({ type: 'arithmetic', name: 'x', fn: '*', fields: [field('users'), field('first')] }), 27);
  assert.equal(compute({ type: 'constant', name: 'c', value: 7 }), 7);
});

test('greatest and least skip nulls; all null is null; long variants truncate', () => {
  const fields = [field('added'), field('missing'), { type: 'constant', value: 130.7 }, field('deleted')];
  assert.equal(compute({ type: 'doubleGreatest', name: 'g', fields }), 130.7);
  assert.equal(compute({ type: 'longGreatest', name: 'g', fields }), 130);
  assert.equal(compute({ type: 'doubleLeast', name: 'g', fields }), 30);
  assert.equal(compute({ type: 'longLeast', name: 'g', fields: [{ type: 'constant', value: -2.5 }, field('edits')] }), -2);
  assert.equal(compute({ type: 'doubleLeast', name: 'g', fields: [field('missing'), field('nonexistent')] }), null);
});

test('dependent fields are collected through nesting', () => {
  const post = parsePostAggregator(
    {
      type: 'arithmetic',
      name: 'x',
      fn: '+',
      fields: [field('a'), { type: 'doubleGreatest', fields: [field('b'), field('a'), { type: 'constant', value: 1 }] }],
    },
    'postAggregations[0]',
  );
  assert.deepEqual([...post.dependentFields()].sort(), ['a', 'b']);
  assert.equal(post.name, 'x');
  assert.equal(parsePostAggregator({ type: 'fieldAccess', fieldName: 'k' }, 'p').name, 'k');
});

test('parse errors name the offending field', () => {
  const cases: [unknown, string, string][] = [
    ['x', 'invalid_input', 'postAggregations[1]'],
    [{ name: 'x' }, 'invalid_input', 'postAggregations[1].type'],
    [{ type: 'arithmetic', fn: '+', fields: [field('a')] }, 'invalid_input', 'postAggregations[1].name'],
    [{ type: 'arithmetic', name: 'x', fn: '%', fields: [field('a')] }, 'invalid_input', 'postAggregations[1].fn'],
    [{ type: 'arithmetic', name: 'x', fn: '+' }, 'invalid_input', 'postAggregations[1].fields'],
    [{ type: 'arithmetic', name: 'x', fn: '+', fields: [field('a'), { type: 'fieldAccess' }] }, 'invalid_input', 'postAggregations[1].fields[1].fieldName'],
    [{ type: 'arithmetic', name: 'x', fn: '+', fields: [field('a')], ordering: 'desc' }, 'invalid_input', 'postAggregations[1].ordering'],
    [{ type: 'constant', name: 'c', value: 'seven' }, 'invalid_input', 'postAggregations[1].value'],
    [{ type: 'doubleGreatest', name: 'g', fields: [] }, 'invalid_input', 'postAggregations[1].fields'],
    [{ type: 'what', name: 'w' }, 'invalid_input', 'postAggregations[1].type'],
    [{ type: 'expression', name: 'e', expression: 'a+b' }, 'unsupported', 'postAggregations[1].type'],
  ];
  for (const [json, code, path] of cases) {
    assert.throws(
      () => parsePostAggregator(json, 'postAggregations[1]'),
      (error: unknown) => error instanceof SedimentError && error.code === code && error.message.startsWith(`${path}:`),
      JSON.stringify(json),
    );
  }
});

test('ordering: natural puts nulls first; numericFirst puts finite values before NaN and infinities', () => {
  const natural = postAggregatorComparator(parsePostAggregator({ type: 'arithmetic', name: 'x', fn: '+', fields: [field('a')] }, 'p'));
  assert.deepEqual([3, null, -1, 2].sort(natural), [null, -1, 2, 3]);
  const numericFirst = postAggregatorComparator(
    parsePostAggregator({ type: 'arithmetic', name: 'x', fn: '+', fields: [field('a')], ordering: 'numericFirst' }, 'p'),
  );
  const sorted = [Infinity, 2, NaN, -5].sort(numericFirst);
  assert.deepEqual(sorted.slice(0, 2), [-5, 2]);
  assert.ok(sorted.slice(2).every((value) => !Number.isFinite(value)));
});
