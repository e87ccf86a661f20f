// Encoding with scratch memory (as ingestion workers do, column after column) gives the very bytes
// encoding without it gives: nothing returned lives in a slot, and no stale slot contents leak in,
// whatever the order of column kinds, sizes and id widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import RoaringModule from 'roaring';
import { encodeColumn } from '../../segment-format/column-encoder.js';
import type { ColumnData } from '../../segment-format/columns.js';
import type { EncodedColumn } from '../../segment-format/encoded-column.js';
import { ScratchMemory } from '../../segment-format/scratch-memory.js';
import { gatherColumn, type ColumnStorage } from '../../realtime/column-gather.js';
import { randomInteger, seededRandom } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

function randomColumn(random: () => number): ColumnData {
  const rows = randomInteger(random, 0, 3) === 0 ? randomInteger(random, 0, 50) : randomInteger(random, 1000, 60_000);
  const kind = randomInteger(random, 0, 3);
  if (kind === 0) {
    // Dictionary sizes around the 1-, 2- and 4-byte id widths.
    const size = [2, 200, 256, 257, 3000, 65_536, 70_000][randomInteger(random, 0, 7)]!;
    const dictionary = Array.from({ length: size }, (_, id) => (id === 0 && random() < 0.5 ? null : `v${String(id).padStart(6, '0')}`));
    const ids = size <= 256 ? new Uint8Array(rows) : size <= 65_536 ? new Uint16Array(rows) : new Uint32Array(rows);
    const sorted = random() < 0.5;
    for (let row = 0; row < rows; row++) ids[row] = sorted ? Math.floor((row * size) / Math.max(1, rows)) : randomInteger(random, 0, size);
    return { kind: 'string', multiValue: false, dictionary, ids };
  }
  const values = new Float64Array(rows);
  const nullRows: number[] = [];
  const span = [1, 100, 2 ** 20, 2 ** 40][randomInteger(random, 0, 4)]!;
  for (let row = 0; row < rows; row++) {
    if (random() < 0.05) nullRows.push(row);
    values[row] = kind === 1 ? randomInteger(random, -span, span) : Math.round(random() * span * 100) / 100;
  }
  const nulls = nullRows.length === 0 || random() < 0.3 ? null : new RoaringBitmap32(nullRows);
  return { kind: kind === 1 ? 'long' : 'double', values, nulls };
}

function sameEncoding(actual: EncodedColumn, expected: EncodedColumn, label: string): void {
  assert.deepEqual(actual.stats, expected.stats, `${label}: stats`);
  assert.equal(actual.idWidthBytes, expected.idWidthBytes, `${label}: id width`);
  assert.deepEqual(
    actual.sections.map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
    expected.sections.map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
    `${label}: sections`,
  );
}

test('columns encoded one after another with scratch memory match encoding without it, byte for byte', () => {
  const random = seededRandom(7);
  const scratch = new ScratchMemory();
  const encoded: [EncodedColumn, EncodedColumn, string][] = [];
  for (let index = 0; index < 60; index++) {
    const column = randomColumn(random);
    const rows = column.kind === 'string' ? column.ids.length : (column as { values: Float64Array }).values.length;
    // Kept until the end: a later column reusing a slot must not change an earlier result.
    encoded.push([encodeColumn(`c${index}`, column, rows, scratch), encodeColumn(`c${index}`, column, rows), `column ${index} (${column.kind}, ${rows} rows)`]);
  }
  for (const [withScratch, without, label] of encoded) sameEncoding(withScratch, without, label);
});

test('gathering into scratch memory gives the columns a plain gather gives', () => {
  const random = seededRandom(8);
  const scratch = new ScratchMemory();
  for (let index = 0; index < 30; index++) {
    const rows = randomInteger(random, 1, 40_000);
    const order = Uint32Array.from({ length: rows }, () => randomInteger(random, 0, rows));
    const nullShare = random() < 0.5 ? 0 : 0.1;
    const storage: ColumnStorage =
      random() < 0.5
        ? { kind: 'metric', storage: 'long', values: Float64Array.from({ length: rows }, () => (random() < nullShare ? Number.NaN : randomInteger(random, 1, 1000))) }
        : (() => {
            const size = [3, 300, 70_000][randomInteger(random, 0, 3)]!;
            const values = [null, ...Array.from({ length: size - 1 }, (_, id) => `s${String(id).padStart(6, '0')}`)];
            const byRank = Int32Array.from(values.map((_, id) => id));
            return { kind: 'stringDimension', keys: Int32Array.from({ length: rows }, () => randomInteger(random, 0, size)), values, lists: [], byRank };
          })();
    const plain = gatherColumn(storage, order);
    const gathered = gatherColumn(storage, order, scratch);
    // Encoded at once, as a worker does (the gathered column is valid until the next gather).
    sameEncoding(encodeColumn('x', gathered, rows, scratch), encodeColumn('x', plain, rows), `gather ${index} (${storage.kind})`);
  }
});
