// writeEncodedSegment (columns encoded elsewhere, here after a trip through structured clone as the
// worker threads see them) must write the very bytes writeSegment writes, on random columns of every
// kind: single- and multi-value strings with and without null, numbers with and without nulls,
// sketches, and views into larger buffers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import RoaringModule from 'roaring';
import { encodeColumn } from '../../segment-format/column-encoder.js';
import { columnFromMessage, columnMessage, encodedColumnMessage } from '../../segment-format/column-transfer.js';
import { allocateIds, type ColumnData } from '../../segment-format/columns.js';
import { writeEncodedSegment, writeSegment } from '../../segment-format/segment-writer.js';
import { randomInteger, randomTimes, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

function randomColumns(random: () => number, rowCount: number): Map<string, ColumnData> {
  const dictionary = [null, ...Array.from({ length: randomInteger(random, 1, 400) }, (_, index) => `v${String(index).padStart(4, '0')}`)];
  const ids = allocateIds(dictionary.length, rowCount);
  for (let row = 0; row < rowCount; row++) ids[row] = randomInteger(random, 0, dictionary.length);
  const offsets = new Uint32Array(rowCount + 1);
  const multiIds: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    const count = randomInteger(random, 1, 4);
    for (let item = 0; item < count; item++) multiIds.push(randomInteger(random, 1, dictionary.length));
    offsets[row + 1] = multiIds.length;
  }
  const multi = allocateIds(dictionary.length, multiIds.length);
  multi.set(multiIds);
  // A view into a larger buffer: the transfer must copy exactly the view.
  const backing = new Float64Array(rowCount + 10);
  const longs = backing.subarray(5, 5 + rowCount);
  const doubles = new Float64Array(rowCount);
  const floats = new Float32Array(rowCount);
  const nullRows: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    longs[row] = randomInteger(random, -1_000_000, 1_000_000);
    doubles[row] = random() * 1e6;
    floats[row] = Math.fround(random());
    if (random() < 0.1) {
      nullRows.push(row);
      doubles[row] = 0;
    }
  }
  const sketches = Array.from({ length: rowCount }, () => Uint8Array.from({ length: 12 }, () => randomInteger(random, 0, 256)));
  return new Map<string, ColumnData>([
    ['single', { kind: 'string', multiValue: false, dictionary, ids }],
    ['multi', { kind: 'string', multiValue: true, dictionary, offsets, ids: multi }],
    ['long', { kind: 'long', values: longs, nulls: null }],
    ['double', { kind: 'double', values: doubles, nulls: nullRows.length === 0 ? null : new RoaringBitmap32(nullRows) }],
    ['float', { kind: 'float', values: floats, nulls: null }],
    ['sketch', { kind: 'hyperUnique', values: sketches }],
  ]);
}

/** encodeColumn as a worker does it: the column and the result each cross a structured clone with transfers. */
function encodeAcrossThreads(name: string, column: ColumnData, rowCount: number): ReturnType<typeof encodeColumn> {
  const { message, transferList } = columnMessage(column);
  const received = columnFromMessage(structuredClone(message, { transfer: transferList }));
  const encoded = encodedColumnMessage(encodeColumn(name, received, rowCount));
  return structuredClone(encoded.message, { transfer: encoded.transferList });
}

test('writeEncodedSegment writes the bytes writeSegment writes, columns crossing threads', async () => {
  const directory = temporaryDirectory();
  try {
    for (let seed = 1; seed <= 4; seed++) {
      const random = seededRandom(seed);
      const rowCount = randomInteger(random, 1, 5000);
      const time = randomTimes(random, rowCount);
      const info = testInfo(rowCount);
      const expectedPath = join(directory.path, `expected-${seed}.segment`);
      await writeSegment(expectedPath, info, time, randomColumns(seededRandom(seed * 31), rowCount));
      // Fresh columns (the transfer detaches arrays), resolved out of order.
      const columns = [...randomColumns(seededRandom(seed * 31), rowCount)];
      const pending = columns.map(([name, data], index) => ({
        name,
        encoded: new Promise<ReturnType<typeof encodeColumn>>((resolve) => setTimeout(() => resolve(encodeAcrossThreads(name, data, rowCount)), (columns.length - index) * 3)),
      }));
      const actualPath = join(directory.path, `actual-${seed}.segment`);
      await writeEncodedSegment(actualPath, info, time, pending);
      assert.ok(readFileSync(actualPath).equals(readFileSync(expectedPath)), `seed ${seed}: identical bytes`);
    }
  } finally {
    directory.remove();
  }
});

test('writeEncodedSegment fails with a column that fails to encode, and leaves no file', async () => {
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'failed.segment');
    const failure = Promise.reject(new Error('encoding failed'));
    const later = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('later failure')), 5));
    const columns = [...randomColumns(seededRandom(3), 10)];
    const first = { name: columns[0]![0], encoded: Promise.resolve(encodeColumn(columns[0]![0], columns[0]![1], 10)) };
    await assert.rejects(writeEncodedSegment(path, testInfo(10), randomTimes(seededRandom(4), 10), [first, { name: 'bad', encoded: failure }, { name: 'late', encoded: later }]), /encoding failed/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.throws(() => readFileSync(path));
    assert.throws(() => readFileSync(`${path}.tmp`));
  } finally {
    directory.remove();
  }
});
