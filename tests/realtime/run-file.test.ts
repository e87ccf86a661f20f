// Spill run files (realtime/run-file.ts): every column kind reads back as written, column by column,
// and a damaged file fails with a message naming it instead of returning wrong data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import RoaringModule from 'roaring';
import type { ColumnData } from '../../segment-format/columns.js';
import { openRunFile, writeRunFile } from '../../realtime/run-file.js';
import { temporaryDirectory } from './ingestion-fixtures.js';

const { RoaringBitmap32 } = RoaringModule;

/** A column as plain JSON-comparable values (typed array kinds kept by name). */
function plain(column: ColumnData | undefined): unknown {
  if (column === undefined) return undefined;
  switch (column.kind) {
    case 'string':
      return { ...column, ids: [column.ids.constructor.name, ...column.ids], ...(column.multiValue ? { offsets: [...column.offsets] } : {}) };
    case 'hyperUnique':
      return { kind: column.kind, values: column.values.map((value) => [...value]) };
    default:
      return { kind: column.kind, values: [column.values.constructor.name, ...column.values], nulls: column.nulls === null ? null : [...column.nulls.toUint32Array()] };
  }
}

const rowCount = 5;
const columns: { name: string; data: ColumnData }[] = [
  { name: 'city', data: { kind: 'string', multiValue: false, dictionary: [null, 'Oslo', 'Paris'], ids: Uint8Array.from([1, 0, 2, 2, 1]) } },
  { name: 'wide', data: { kind: 'string', multiValue: false, dictionary: Array.from({ length: 300 }, (_, id) => `v${String(id).padStart(3, '0')}`), ids: Uint16Array.from([299, 0, 7, 256, 3]) } },
  { name: 'tags', data: { kind: 'string', multiValue: true, dictionary: [null, 'a', 'b'], offsets: Uint32Array.from([0, 2, 3, 3, 4, 6]), ids: Uint8Array.from([1, 2, 0, 2, 1, 2]) } },
  { name: 'added', data: { kind: 'long', values: Float64Array.from([5, 0, -3, 2 ** 53, 1]), nulls: new RoaringBitmap32([1]) } },
  { name: 'ratio', data: { kind: 'float', values: Float32Array.from([0.5, 1.25, 0, -2, 3]), nulls: null } },
  { name: 'price', data: { kind: 'double', values: Float64Array.from([0.1, 0.2, 0, 1e300, -0]), nulls: new RoaringBitmap32([2, 3]) } },
  { name: 'users', data: { kind: 'hyperUnique', values: [Uint8Array.from([1, 2, 3]), new Uint8Array(0), Uint8Array.from([9]), Uint8Array.from([4, 5]), Uint8Array.from([6, 7, 8, 9, 10, 11, 12])] } },
];
const times = Float64Array.from([1000, 1000, 1001, 2000, 3000]);

test('a run file reads back every column kind as written', async (t) => {
  const path = join(await temporaryDirectory(t), 'spill-00000.run');
  await writeRunFile(path, times, columns);
  const run = await openRunFile(path);
  t.after(() => run.close());
  assert.equal(run.rowCount, rowCount);
  assert.deepEqual([...run.time()], [...times]);
  for (const { name, data } of columns) assert.deepEqual(plain(run.column(name)), plain(data), name);
  assert.equal(run.column('missing'), undefined);
  assert.deepEqual(
    columns.map(({ name }) => run.columnType(name)),
    ['STRING', 'STRING', 'STRING', 'LONG', 'FLOAT', 'DOUBLE', 'COMPLEX<hyperUnique>'],
  );
  assert.deepEqual(columns.map(({ name }) => run.isMultiValue(name)), [false, false, true, false, false, false, false]);
  // Every array starts 8-aligned in the file, whatever the lengths before it.
  const bytes = await readFile(path);
  assert.equal(bytes.length % 8, 0);
});

test('a truncated or foreign run file fails naming the file', async (t) => {
  const dir = await temporaryDirectory(t);
  const path = join(dir, 'spill-00001.run');
  await writeRunFile(path, times, columns);
  const size = (await readFile(path)).length;
  await truncate(path, size - 16);
  const run = await openRunFile(path);
  t.after(() => run.close());
  assert.throws(() => run.column('users'), /spill-00001\.run.*truncated/);
  const foreign = join(dir, 'other.run');
  await writeFile(foreign, 'not a run file at all');
  await assert.rejects(openRunFile(foreign), /other\.run: not a run file/);
});

test('a closed run file refuses to read', async (t) => {
  const path = join(await temporaryDirectory(t), 'spill-00002.run');
  await writeRunFile(path, times, columns);
  const run = await openRunFile(path);
  run.close();
  run.close();
  assert.throws(() => run.column('city'), /closed/);
});
