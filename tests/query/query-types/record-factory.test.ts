import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordFactory } from '../../../query/query-types/record-factory.js';

describe('recordFactory', () => {
  it('builds records with the keys in order, whatever characters the keys hold', () => {
    const keys = ['plain', 'with "quotes"', 'back\\slash', 'new\nline', '', '1', 'ünïcode', '${x}', '`tick`'];
    const make = recordFactory(keys);
    const values = keys.map((_, index) => index * 10);
    const record = make(values);
    assert.deepEqual(Object.keys(record), ['1', ...keys.filter((key) => key !== '1')], 'integer-like keys come first, as in any object');
    for (const [index, key] of keys.entries()) assert.equal(record[key], values[index]);
    assert.notEqual(make(values), record, 'a new record per call');
  });

  it('makes __proto__ an own property instead of setting the prototype', () => {
    const record = recordFactory(['a', '__proto__'])([1, { polluted: true }]);
    assert.equal(Object.getPrototypeOf(record), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(record, '__proto__')?.value, { polluted: true });
    assert.equal((record as { polluted?: unknown }).polluted, undefined);
    assert.equal(JSON.stringify(record), '{"a":1,"__proto__":{"polluted":true}}');
  });

  it('lets a later duplicate key win, as assignment would', () => {
    assert.deepEqual(recordFactory(['a', 'b', 'a'])([1, 2, 3]), { a: 3, b: 2 });
  });
});
