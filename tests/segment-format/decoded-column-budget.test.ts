// Decoded columns of all open segment files share one budget: past it the least recently used are
// dropped and decoded again (identically) on next use.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ColumnData } from '../../segment-format/columns.js';
import { numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { decodedBytesOf, decodedColumnUsage, setDecodedColumnBudget } from '../../segment-format/decoded-column-budget.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { DAY_START_MS, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const directory = temporaryDirectory();
const originalLimit = decodedColumnUsage().limitBytes;
after(() => {
  setDecodedColumnBudget(originalLimit);
  directory.remove();
});

async function segmentWithColumns(name: string, rowCount: number): Promise<string> {
  const random = seededRandom(rowCount);
  const time = Float64Array.from({ length: rowCount }, (_, row) => DAY_START_MS + row);
  const columns = new Map<string, ColumnData>([
    ['page', stringColumn(Array.from({ length: rowCount }, () => `p${Math.floor(random() * 500)}`))],
    ['a', numericColumn('long', Array.from({ length: rowCount }, (_, row) => row))],
    ['b', numericColumn('double', Array.from({ length: rowCount }, () => random()))],
  ]);
  const path = join(directory.path, `${name}.segment`);
  await writeSegment(path, testInfo(rowCount, { partition: rowCount }), time, columns);
  return path;
}

test('past the budget the least recently used columns of any file are dropped and decode again identically', async () => {
  const first = await openSegment(await segmentWithColumns('first', 20_000));
  const second = await openSegment(await segmentWithColumns('second', 30_000));
  try {
    const usedBefore = decodedColumnUsage().usedBytes;
    const a = first.column('a')!;
    const b = first.column('b')!;
    const page = first.column('page')!;
    assert.equal(decodedColumnUsage().usedBytes - usedBefore, decodedBytesOf(a) + decodedBytesOf(b) + decodedBytesOf(page));
    // Room for a little more than these three: reading `a` again makes `b` the least recently used.
    setDecodedColumnBudget(usedBefore + decodedBytesOf(a) + decodedBytesOf(b) + decodedBytesOf(page) + 1000);
    assert.equal(first.column('a'), a, 'cached');
    // The second file's page column needs room: only b, now the least recently used, goes.
    const secondPage = second.column('page')!;
    assert.ok(decodedBytesOf(secondPage) < decodedBytesOf(b), 'the test needs page smaller than b');
    assert.equal(first.column('a'), a, 'recently used: still cached');
    assert.equal(first.column('page'), page, 'still cached');
    const bAgain = first.column('b')!;
    assert.notEqual(bAgain, b, 'b was evicted and decoded again');
    assert.deepEqual(bAgain, b);
    assert.ok(decodedColumnUsage().usedBytes <= decodedColumnUsage().limitBytes);
    // Decoded again after its eviction by b: the same values (string columns carry a bitmap closure, so compare the data).
    const secondPageAgain = second.column('page')!;
    assert.ok(secondPageAgain.kind === 'string' && secondPage.kind === 'string');
    assert.notEqual(secondPageAgain, secondPage);
    assert.deepEqual([secondPageAgain.dictionary, secondPageAgain.ids], [secondPage.dictionary, secondPage.ids]);
  } finally {
    first.close();
    second.close();
  }
});

test('closing a file stops accounting for its columns, which stay readable', async () => {
  setDecodedColumnBudget(originalLimit);
  const file = await openSegment(await segmentWithColumns('closed', 10_000));
  const usedBefore = decodedColumnUsage().usedBytes;
  const page = file.column('page')!;
  assert.equal(decodedColumnUsage().usedBytes, usedBefore + decodedBytesOf(page));
  file.close();
  assert.equal(decodedColumnUsage().usedBytes, usedBefore);
  assert.equal(file.column('page'), page);
});
