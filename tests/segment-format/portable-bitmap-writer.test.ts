import { test } from 'node:test';
import assert from 'node:assert/strict';
import RoaringModule from 'roaring';
import { portableSizeBytes, writePortable } from '../../segment-format/portable-bitmap-writer.js';
import { randomInteger, seededRandom } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

/** Ascending unique rows of one of several shapes: sparse, dense, runs, spanning many containers. */
function randomRows(random: () => number): Uint32Array {
  const shape = randomInteger(random, 0, 6);
  const rows = new Set<number>();
  const span = pickSpan(random);
  if (shape === 0) for (let index = 0; index < randomInteger(random, 0, 50); index++) rows.add(randomInteger(random, 0, span));
  if (shape === 1) for (let index = 0; index < randomInteger(random, 4000, 9000); index++) rows.add(randomInteger(random, 0, 65536));
  if (shape === 2 || shape === 5) {
    for (let run = 0; run < randomInteger(random, 1, 40); run++) {
      const start = randomInteger(random, 0, span);
      for (let row = start; row < start + randomInteger(random, 1, 3000); row++) rows.add(row);
    }
  }
  if (shape === 3) for (let row = 0; row < 200_000; row++) if (random() < 0.5) rows.add(row);
  if (shape === 4) for (let container = 0; container < randomInteger(random, 1, 40); container++) rows.add(container * 65536 + randomInteger(random, 0, 65536));
  if (shape === 5) rows.add(0xffffffff);
  return Uint32Array.from([...rows].sort((a, b) => a - b));
}

function pickSpan(random: () => number): number {
  return [100, 70_000, 1_000_000, 2 ** 32 - 1][randomInteger(random, 0, 4)]!;
}

test('serializations decode in roaring to the same rows, no larger than roaring run-optimized', () => {
  const random = seededRandom(2024);
  const cases = [new Uint32Array(0), Uint32Array.from([0]), Uint32Array.from([65535, 65536]), ...Array.from({ length: 400 }, () => randomRows(random))];
  for (const [index, rows] of cases.entries()) {
    const size = portableSizeBytes(rows);
    const output = Buffer.alloc(size + 20, 0xab);
    const written = writePortable(rows, output, 10);
    assert.equal(written, size, `case ${index}`);
    assert.ok(output.subarray(0, 10).every((byte) => byte === 0xab) && output.subarray(10 + size).every((byte) => byte === 0xab), `case ${index} wrote out of bounds`);
    const decoded = RoaringBitmap32.deserialize(output.subarray(10, 10 + size), 'portable');
    assert.deepEqual(decoded.toUint32Array(), rows, `case ${index}`);
    const reference = new RoaringBitmap32(rows);
    reference.runOptimize();
    assert.ok(size <= reference.getSerializationSizeInBytes('portable'), `case ${index}: ${size} bytes vs roaring's ${reference.getSerializationSizeInBytes('portable')}`);
  }
});

test('matches roaring byte for byte on simple shapes', () => {
  for (const rows of [Uint32Array.from([1, 5, 9]), Uint32Array.from({ length: 5000 }, (_, row) => row * 3), Uint32Array.from({ length: 10_000 }, (_, row) => row + 7)]) {
    const output = Buffer.alloc(portableSizeBytes(rows));
    writePortable(rows, output, 0);
    const reference = new RoaringBitmap32(rows);
    reference.runOptimize();
    assert.deepEqual(output, reference.serialize('portable'));
  }
});
