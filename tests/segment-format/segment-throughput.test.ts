// Write/read speed sanity for 1M rows x 5 columns. Prints MB/s (of in-memory column bytes); asserts
// only that the data round-trips, so a slow machine does not fail the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ColumnData } from '../../segment-format/columns.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { DAY_MS, DAY_START_MS, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const ROW_COUNT = 1_000_000;

function dictionaryOf(size: number): string[] {
  return Array.from({ length: size }, (_, id) => `value-${String(id).padStart(7, '0')}`);
}

function sampleData(): { time: Float64Array; columns: Map<string, ColumnData>; rawBytes: number } {
  const random = seededRandom(77);
  const time = new Float64Array(ROW_COUNT);
  for (let row = 0; row < ROW_COUNT; row++) time[row] = DAY_START_MS + Math.floor((row / ROW_COUNT) * DAY_MS);
  const country = new Uint8Array(ROW_COUNT).map(() => Math.floor(random() * 200));
  const user = new Uint32Array(ROW_COUNT).map(() => Math.floor(random() * 100_000));
  const added = new Float64Array(ROW_COUNT).map(() => Math.floor(random() * 10_000));
  const delta = new Float64Array(ROW_COUNT).map(() => Math.round((random() - 0.5) * 1e6) / 100);
  const columns = new Map<string, ColumnData>([
    ['country', { kind: 'string', multiValue: false, dictionary: dictionaryOf(200), ids: country }],
    ['user', { kind: 'string', multiValue: false, dictionary: dictionaryOf(100_000), ids: user }],
    ['added', { kind: 'long', values: added, nulls: null }],
    ['delta', { kind: 'double', values: delta, nulls: null }],
  ]);
  const rawBytes = time.byteLength + country.byteLength + user.byteLength + added.byteLength + delta.byteLength;
  return { time, columns, rawBytes };
}

test('write and read throughput for 1M rows x 5 columns', async () => {
  const { time, columns, rawBytes } = sampleData();
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    const writeStart = performance.now();
    const { sizeBytes } = await writeSegment(path, testInfo(ROW_COUNT), time, columns);
    const writeMs = performance.now() - writeStart;
    const readStart = performance.now();
    const file = await openSegment(path);
    const readTime = file.time();
    const loaded = file.columnNames().map((name) => file.column(name)!);
    const readMs = performance.now() - readStart;
    const bitmapStart = performance.now();
    for (const column of loaded) if (column.kind === 'string') for (let id = 0; id < column.dictionary.length; id++) column.bitmap(id);
    const bitmapMs = performance.now() - bitmapStart;
    file.close();
    const megabytes = rawBytes / 1e6;
    console.log(
      `segment 1M rows x 5 columns: ${megabytes.toFixed(1)} MB raw -> ${(sizeBytes / 1e6).toFixed(1)} MB file; ` +
        `write ${writeMs.toFixed(0)} ms (${(megabytes / (writeMs / 1000)).toFixed(0)} MB/s), ` +
        `read values ${readMs.toFixed(0)} ms (${(megabytes / (readMs / 1000)).toFixed(0)} MB/s), ` +
        `deserialize 100,200 bitmaps ${bitmapMs.toFixed(0)} ms`,
    );
    assert.deepEqual(readTime, time);
    const user = loaded[1]!;
    assert.ok(user.kind === 'string');
    assert.deepEqual(user.ids, (columns.get('user') as { ids: Uint32Array }).ids);
  } finally {
    directory.remove();
  }
});
