import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import RoaringModule from 'roaring';
import type { ColumnData } from '../../segment-format/columns.js';
import { multiValueStringColumn, numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { inspectSegment } from '../../segment-format/segment-inspector.js';
import { DAY_START_MS, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

async function withSegment(
  time: Float64Array,
  columns: ReadonlyMap<string, ColumnData>,
  check: (file: SegmentFile, path: string) => Promise<void> | void,
): Promise<void> {
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    await writeSegment(path, testInfo(time.length), time, columns);
    const file = await openSegment(path);
    try {
      await check(file, path);
    } finally {
      file.close();
    }
  } finally {
    directory.remove();
  }
}

function constantTimes(rowCount: number): Float64Array {
  return new Float64Array(rowCount).fill(DAY_START_MS);
}

test('a 100k-value dictionary uses u32 ids and every bitmap matches its rows', async () => {
  const random = seededRandom(42);
  const rowCount = 150_000;
  const values = Array.from({ length: rowCount }, (_, row) => (row < 100_000 ? `user-${row}` : `user-${Math.floor(random() * 100_000)}`));
  const column = stringColumn(values);
  assert.equal(column.dictionary.length, 100_000);
  await withSegment(constantTimes(rowCount), new Map([['user', column]]), (file) => {
    const read = file.column('user');
    assert.ok(read?.kind === 'string' && !read.multiValue);
    assert.ok(read.ids instanceof Uint32Array);
    const expected = new Map<string, number[]>();
    values.forEach((value, row) => (expected.get(value) ?? expected.set(value, []).get(value)!).push(row));
    for (let row = 0; row < rowCount; row++) assert.equal(read.dictionary[read.ids[row]!], values[row]);
    read.dictionary.forEach((value, id) => assert.deepEqual(read.bitmap(id).toArray(), expected.get(value!)));
    assert.equal(file.columnStats('user')!.cardinality, 100_000);
  });
});

test('ids are stored in the narrowest width even when handed a wider array', async () => {
  const column: ColumnData = { kind: 'string', multiValue: false, dictionary: ['a', 'b'], ids: Uint32Array.from([1, 0, 1]) };
  await withSegment(constantTimes(3), new Map([['d', column]]), (file) => {
    const read = file.column('d');
    assert.ok(read?.kind === 'string' && !read.multiValue);
    assert.ok(read.ids instanceof Uint8Array);
    assert.deepEqual([...read.ids], [1, 0, 1]);
  });
});

test('empty string and null are different values', async () => {
  const single = stringColumn(['', null, '', 'x', null]);
  const multi = multiValueStringColumn([[''], null, [], ['', null], 'x']);
  await withSegment(constantTimes(5), new Map<string, ColumnData>([['single', single], ['multi', multi]]), (file) => {
    const read = file.column('single');
    assert.ok(read?.kind === 'string');
    assert.deepEqual([...read.dictionary], [null, '', 'x']);
    assert.deepEqual(read.bitmap(0).toArray(), [1, 4]);
    assert.deepEqual(read.bitmap(1).toArray(), [0, 2]);
    const readMulti = file.column('multi');
    assert.ok(readMulti?.kind === 'string' && readMulti.multiValue);
    assert.deepEqual(readMulti.bitmap(0).toArray(), [1, 2, 3]);
    assert.deepEqual(readMulti.bitmap(1).toArray(), [0, 3]);
    assert.deepEqual(file.columnStats('single')!.minValue, '');
    assert.equal(file.columnStats('multi')!.multiValue, true);
  });
});

test('unicode strings survive byte for byte and keep UTF-16 dictionary order', async () => {
  const values = ['日本語', '🎉', 'e\u0301', 'é', '\uffff', 'ﬀ', 'Ω', '\u0000nul', 'a'];
  await withSegment(constantTimes(values.length), new Map([['u', stringColumn(values)]]), (file) => {
    const read = file.column('u');
    assert.ok(read?.kind === 'string' && !read.multiValue);
    assert.deepEqual([...read.dictionary], [...values].sort());
    values.forEach((value, row) => assert.equal(read.dictionary[read.ids[row]!], value));
  });
});

test('longs near ±2^53 and beyond are exact; floats round to f32; doubles keep -0 and extremes', async () => {
  const longs = [2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 62, -(2 ** 63), 0, -1, 4294967296, -4294967297];
  const doubles = [0.1, -0, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1 / 3, 1e-310, 123456789.123456789, 7, 8];
  const floats = [0.1, 1 / 3, 16777217, 3.4e38, -1e-45, 1e-46, 0.5, 2.5, -7.25, 100.01];
  const columns = new Map<string, ColumnData>([
    ['long', numericColumn('long', longs)],
    ['double', numericColumn('double', doubles)],
    ['float', numericColumn('float', floats)],
  ]);
  await withSegment(constantTimes(10), columns, (file) => {
    const long = file.column('long')!;
    const double = file.column('double')!;
    const float = file.column('float')!;
    assert.ok(long.kind === 'long' && double.kind === 'double' && float.kind === 'float');
    assert.deepEqual([...long.values], longs);
    doubles.forEach((value, row) => assert.ok(Object.is(double.values[row], value), `double row ${row}`));
    assert.deepEqual([...float.values], floats.map(Math.fround));
    assert.ok(float.values instanceof Float32Array);
    assert.equal(long.nulls, null);
    assert.equal(file.columnStats('long')!.minValue, -(2 ** 63));
    assert.equal(file.columnStats('long')!.maxValue, 2 ** 62);
  });
});

test('infinite values keep their min/max through the JSON metadata block', async () => {
  const column: ColumnData = { kind: 'double', values: Float64Array.from([1, Infinity, -Infinity, NaN]), nulls: null };
  await withSegment(constantTimes(4), new Map([['x', column]]), async (file, path) => {
    assert.equal(file.columnStats('x')!.minValue, -Infinity);
    assert.equal(file.columnStats('x')!.maxValue, Infinity);
    const read = file.column('x')!;
    assert.ok(read.kind === 'double');
    assert.deepEqual([...read.values], [1, Infinity, -Infinity, NaN]);
    const inspection = await inspectSegment(path);
    assert.equal(inspection.columns[0]!.min, -Infinity);
  });
});

test('a null row of a long column is stored as 0 whatever its in-memory value', async () => {
  const column: ColumnData = { kind: 'long', values: Float64Array.from([5, NaN, 7]), nulls: new RoaringBitmap32([1]) };
  await withSegment(constantTimes(3), new Map([['x', column]]), (file) => {
    const read = file.column('x')!;
    assert.ok(read.kind === 'long');
    assert.deepEqual([...read.values], [5, 0, 7]);
    assert.deepEqual(read.nulls?.toArray(), [1]);
    assert.equal(file.columnStats('x')!.minValue, 5);
  });
});

test('columns load lazily and are cached', async () => {
  await withSegment(constantTimes(3), new Map([['a', stringColumn(['x', 'y', 'x'])]]), (file) => {
    assert.equal(file.column('a'), file.column('a'));
    assert.equal(file.time(), file.time());
    const column = file.column('a');
    assert.ok(column?.kind === 'string');
    assert.equal(column.bitmap(1), column.bitmap(1));
  });
});

test('the inspector reports the segment and every column from the metadata block', async () => {
  const columns = new Map<string, ColumnData>([
    ['page', stringColumn(['b', null, 'a'])],
    ['tags', multiValueStringColumn([['x', 'y'], 'x', null])],
    ['added', numericColumn('long', [3, -2, null])],
  ]);
  await withSegment(Float64Array.from([DAY_START_MS, DAY_START_MS + 1, DAY_START_MS + 2]), columns, async (file, path) => {
    const inspection = await inspectSegment(path);
    assert.equal(inspection.id, file.id);
    assert.equal(inspection.rowCount, 3);
    assert.equal(inspection.intervalText, '2024-01-15T00:00:00.000Z/2024-01-16T00:00:00.000Z');
    assert.equal(inspection.sizeBytes, file.sizeBytes);
    assert.deepEqual(
      inspection.columns.map(({ name, type, multiValue, hasNulls, cardinality, min, max }) => ({ name, type, multiValue, hasNulls, cardinality, min, max })),
      [
        { name: 'page', type: 'STRING', multiValue: false, hasNulls: true, cardinality: 3, min: 'a', max: 'b' },
        { name: 'tags', type: 'STRING', multiValue: true, hasNulls: true, cardinality: 3, min: 'x', max: 'y' },
        { name: 'added', type: 'LONG', multiValue: false, hasNulls: true, cardinality: null, min: -2, max: 3 },
      ],
    );
    const sectionBytes = inspection.columns.reduce((sum, column) => sum + column.sizeBytes, inspection.timeSizeBytes);
    assert.ok(sectionBytes < inspection.sizeBytes);
    for (const column of inspection.columns) assert.equal(column.sizeBytes, column.sections.reduce((sum, section) => sum + section.sizeBytes, 0));
  });
});

test('a long column refuses a value that is not an int64, naming the first such row (null rows are not checked)', async () => {
  const cases: [number[], number[], number][] = [
    [[1, 2, 2.5, 3.5], [], 2],
    [[1, NaN, 3, 2 ** 63], [1], 3],
    [[-(2 ** 63) - 4096, 0], [], 0],
    [[7, 0.5], [], 1],
  ];
  for (const [values, nullRows, badRow] of cases) {
    const column: ColumnData = { kind: 'long', values: Float64Array.from(values), nulls: nullRows.length === 0 ? null : new RoaringBitmap32(nullRows) };
    const directory = temporaryDirectory();
    try {
      await assert.rejects(writeSegment(join(directory.path, 'segment'), testInfo(values.length), constantTimes(values.length), new Map([['x', column]])), {
        message: new RegExp(`column x: row ${badRow} value .* is not an integer in int64 range`),
      });
    } finally {
      directory.remove();
    }
  }
});

test('a long column with nulls stores them as 0 and keeps the non-null range in its stats', async () => {
  const column: ColumnData = { kind: 'long', values: Float64Array.from([NaN, 40, 12, NaN]), nulls: new RoaringBitmap32([0, 3]) };
  await withSegment(constantTimes(4), new Map([['x', column]]), (file) => {
    const read = file.column('x')!;
    assert.ok(read.kind === 'long');
    assert.deepEqual([...read.values], [0, 40, 12, 0]);
    assert.equal(file.columnStats('x')!.minValue, 12);
    assert.equal(file.columnStats('x')!.maxValue, 40);
  });
  const allNull: ColumnData = { kind: 'long', values: Float64Array.from([NaN, NaN]), nulls: new RoaringBitmap32([0, 1]) };
  await withSegment(constantTimes(2), new Map([['x', allNull]]), (file) => {
    assert.equal(file.columnStats('x')!.minValue, null);
    assert.equal(file.columnStats('x')!.maxValue, null);
  });
});
