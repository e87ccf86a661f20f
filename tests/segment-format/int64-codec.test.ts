import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInt64InPlace, encodeInt64, isInt64Representable } from '../../segment-format/int64-codec.js';
import { seededRandom } from './segment-test-data.js';

test('encodes the same bytes as BigInt64Array and decodes them back', () => {
  const random = seededRandom(11);
  const edges = [0, -0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 2 ** 62, -(2 ** 63), 2 ** 63 - 1024];
  const randoms = Array.from({ length: 2000 }, () => Math.round((random() - 0.5) * 2 ** Math.floor(random() * 64)));
  const values = Float64Array.from([...edges, ...randoms]);
  const bytes = encodeInt64(values, (index) => new Error(`bad ${index}`));
  const reference = BigInt64Array.from([...values].map((value) => BigInt(value)));
  assert.deepEqual(Buffer.from(bytes), Buffer.from(reference.buffer));
  const decoded = decodeInt64InPlace(bytes.buffer, bytes.byteOffset, values.length);
  assert.deepEqual([...decoded], [...values].map((value) => (Object.is(value, -0) ? 0 : value)));
});

test('only integral values in int64 range are representable', () => {
  assert.equal(isInt64Representable(-(2 ** 63)), true);
  assert.equal(isInt64Representable(2 ** 63), false);
  assert.equal(isInt64Representable(0.5), false);
  assert.equal(isInt64Representable(NaN), false);
  assert.equal(isInt64Representable(Infinity), false);
  assert.throws(() => encodeInt64(Float64Array.from([1, 0.5]), (index) => new Error(`bad ${index}`)), /bad 1/);
});
