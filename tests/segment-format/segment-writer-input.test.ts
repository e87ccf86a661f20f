import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import RoaringModule from 'roaring';
import type { ColumnData } from '../../segment-format/columns.js';
import { numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { SegmentFormatError } from '../../segment-format/segment-format-error.js';
import type { SegmentInfo } from '../../segment-format/segment-metadata.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { DAY_MS, DAY_START_MS, temporaryDirectory, testInfo } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;
const T = DAY_START_MS;

interface BadInput {
  readonly name: string;
  readonly info?: SegmentInfo;
  readonly time?: Float64Array;
  readonly columns?: ReadonlyMap<string, ColumnData>;
  readonly message: RegExp;
}

const threeTimes = Float64Array.from([T, T + 1, T + 2]);

const BAD_INPUTS: readonly BadInput[] = [
  { name: 'rowCount mismatch', info: testInfo(2), message: /rowCount is 2 but __time has 3 rows/ },
  { name: 'unsorted time', time: Float64Array.from([T, T + 2, T + 1]), message: /__time\[2\].*sorted/ },
  { name: 'time before interval', time: Float64Array.from([T - 1, T, T]), message: /before the interval start/ },
  { name: 'time at interval end', time: Float64Array.from([T, T, T + DAY_MS]), message: /not before the interval end/ },
  { name: 'fractional time', time: Float64Array.from([T, T + 0.5, T + 1]), message: /not an integral ms timestamp/ },
  { name: 'NaN time', time: Float64Array.from([T, NaN, T + 1]), message: /not an integral ms timestamp/ },
  { name: 'inverted interval', info: testInfo(3, { interval: { startMs: T + 10, endMs: T } }), message: /start <= end/ },
  { name: 'missing dataSource', info: { ...testInfo(3), dataSource: 7 as unknown as string }, message: /dataSource: must be a string/ },
  { name: '__time as a column', columns: new Map([['__time', numericColumn('long', [1, 2, 3])]]), message: /"__time" is not allowed/ },
  { name: 'short string column', columns: new Map([['d', stringColumn(['a', 'b'])]]), message: /column d: has 2 ids for 3 rows/ },
  {
    name: 'id outside dictionary',
    columns: new Map([['d', { kind: 'string', multiValue: false, dictionary: ['a'], ids: Uint8Array.from([0, 1, 0]) } as ColumnData]]),
    message: /column d: row 1 has id 1, outside the dictionary of 1/,
  },
  {
    name: 'unsorted dictionary',
    columns: new Map([['d', { kind: 'string', multiValue: false, dictionary: ['b', 'a'], ids: Uint8Array.from([0, 1, 0]) } as ColumnData]]),
    message: /column d: dictionary is not strictly ascending at id 1/,
  },
  {
    name: 'duplicate dictionary value',
    columns: new Map([['d', { kind: 'string', multiValue: false, dictionary: ['a', 'a'], ids: Uint8Array.from([0, 1, 0]) } as ColumnData]]),
    message: /not strictly ascending/,
  },
  {
    name: 'null not first',
    columns: new Map([['d', { kind: 'string', multiValue: false, dictionary: ['a', null], ids: Uint8Array.from([0, 1, 0]) } as ColumnData]]),
    message: /dictionary\[1\] must be a string/,
  },
  {
    name: 'lone surrogate',
    columns: new Map([['d', stringColumn(['a', '\ud800x', 'b'])]]),
    message: /unpaired UTF-16 surrogate/,
  },
  {
    name: 'multi-value row without values',
    columns: new Map([['d', { kind: 'string', multiValue: true, dictionary: ['a'], offsets: Uint32Array.from([0, 1, 1, 2]), ids: Uint8Array.from([0, 0]) } as ColumnData]]),
    message: /row 1 has no values/,
  },
  {
    name: 'multi-value offsets not covering ids',
    columns: new Map([['d', { kind: 'string', multiValue: true, dictionary: ['a'], offsets: Uint32Array.from([0, 1, 2, 3]), ids: Uint8Array.from([0, 0]) } as ColumnData]]),
    message: /offsets\[3\] must equal the id count 2/,
  },
  { name: 'fractional long', columns: new Map([['m', { kind: 'long', values: Float64Array.from([1, 1.5, 2]), nulls: null } as ColumnData]]), message: /row 1 value 1.5 is not an integer/ },
  { name: 'long out of int64 range', columns: new Map([['m', { kind: 'long', values: Float64Array.from([1, 2 ** 63, 2]), nulls: null } as ColumnData]]), message: /row 1 .* int64 range/ },
  { name: 'null past the last row', columns: new Map([['m', { kind: 'double', values: new Float64Array(3), nulls: new RoaringBitmap32([3]) } as ColumnData]]), message: /null row 3 is past the last row/ },
  { name: 'short numeric column', columns: new Map([['m', numericColumn('double', [1])]]), message: /column m: has 1 values for 3 rows/ },
  { name: 'complex value not bytes', columns: new Map([['h', { kind: 'hyperUnique', values: [new Uint8Array(1), 'x', new Uint8Array(1)] } as unknown as ColumnData]]), message: /row 1 is not a Uint8Array/ },
];

test('bad writer input is rejected with invalid_segment_input and leaves no file behind', async () => {
  const directory = temporaryDirectory();
  try {
    for (const bad of BAD_INPUTS) {
      const path = join(directory.path, 'segment');
      const columns = bad.columns ?? new Map([['d', stringColumn(['a', 'b', 'c'])]]);
      await assert.rejects(writeSegment(path, bad.info ?? testInfo(3), bad.time ?? threeTimes, columns), (error) => {
        assert.ok(error instanceof SegmentFormatError, `${bad.name}: ${String(error)}`);
        assert.equal(error.code, 'invalid_segment_input', bad.name);
        assert.match(error.message, bad.message, bad.name);
        return true;
      });
      assert.deepEqual(readdirSync(directory.path), [], `${bad.name} left a file behind`);
    }
  } finally {
    directory.remove();
  }
});

test('a rewrite replaces the file whole; no temporary file remains', async () => {
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    await writeSegment(path, testInfo(3), threeTimes, new Map([['d', stringColumn(['a', 'b', 'c'])]]));
    await writeSegment(path, testInfo(3), threeTimes, new Map([['d', stringColumn(['x', 'y', 'z'])]]));
    assert.deepEqual(readdirSync(directory.path), ['segment']);
    assert.ok(!existsSync(`${path}.tmp`));
    const file = await openSegment(path);
    const column = file.column('d');
    assert.ok(column?.kind === 'string');
    assert.deepEqual([...column.dictionary], ['x', 'y', 'z']);
    file.close();
  } finally {
    directory.remove();
  }
});

test('a closed segment keeps loaded columns and refuses to read more', async () => {
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    await writeSegment(path, testInfo(3), threeTimes, new Map([['d', stringColumn(['a', 'b', 'c'])], ['e', stringColumn(['a', 'b', 'c'])]]));
    const file = await openSegment(path);
    const column = file.column('d')!;
    file.close();
    assert.equal(column.kind === 'string' && column.ids.length, 3);
    assert.throws(() => file.column('e'), /closed/);
    assert.throws(() => file.time(), /closed/);
  } finally {
    directory.remove();
  }
});

test('opening a missing file rejects with the file system error', async () => {
  await assert.rejects(openSegment('/nonexistent/segment'), { code: 'ENOENT' });
});
