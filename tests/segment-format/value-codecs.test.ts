// The v2 payload codecs (packed integers, integer sequences, decimals, bitmap runs) round-trip
// random data exactly, and a written segment stores or derives the inverted index as the spec says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import RoaringModule from 'roaring';
import type { ColumnData } from '../../segment-format/columns.js';
import { numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { groupRowsById } from '../../segment-format/bitmap-index-builder.js';
import { BitmapRunsSection, encodeBitmapRuns } from '../../segment-format/bitmap-section.js';
import { decodeDecimal, encodeDecimal } from '../../segment-format/decimal-codec.js';
import { decodeIntegerSequence, encodeIntegerSequence } from '../../segment-format/integer-sequence-codec.js';
import { bitWidthFor, packUnsigned, unpackUnsignedInto } from '../../segment-format/packed-integers.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { verifySegment } from '../../segment-format/segment-verifier.js';
import { DAY_START_MS, randomInteger, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

test('bitWidthFor is the fewest bits holding every value below the limit', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 256, 257, 2 ** 31, 2 ** 32].map(bitWidthFor), [0, 0, 1, 2, 2, 3, 8, 9, 31, 32]);
});

test('packed unsigned integers round-trip at every width 0..32', () => {
  const random = seededRandom(11);
  for (let bitWidth = 0; bitWidth <= 32; bitWidth++) {
    for (const count of [0, 1, 7, 31, 32, 33, 1000]) {
      const values = Float64Array.from({ length: count }, () => Math.floor(random() * 2 ** bitWidth));
      const payload = packUnsigned(values, count, bitWidth);
      assert.equal(payload.length, 4 + 4 * Math.ceil((count * bitWidth) / 32));
      const out = new Float64Array(count);
      unpackUnsignedInto(payload, 0, count, out, 'test');
      assert.deepEqual(out, values, `width ${bitWidth}, count ${count}`);
      if (bitWidth <= 16) {
        const narrow = bitWidth <= 8 ? new Uint8Array(count) : new Uint16Array(count);
        unpackUnsignedInto(payload, 0, count, narrow, 'test');
        assert.deepEqual([...narrow], [...values]);
      }
    }
  }
});

test('a packed payload of the wrong size is corrupt', () => {
  const payload = packUnsigned([1, 2, 3], 3, 2);
  assert.throws(() => unpackUnsignedInto(payload, 0, 40, new Float64Array(40), 'x'), /^SegmentFormatError|x: holds/);
  const wide = new Uint8Array(payload);
  new DataView(wide.buffer).setUint32(0, 33, true);
  assert.throws(() => unpackUnsignedInto(wide, 0, 3, new Float64Array(3), 'x'), /bit width 33/);
});

test('integer sequences round-trip, packed when the range fits 32 bits, plain otherwise', () => {
  const random = seededRandom(12);
  const cases: number[][] = [
    [],
    [5],
    [7, 7, 7, 7],
    Array.from({ length: 500 }, () => randomInteger(random, -100_000, 100_000)),
    Array.from({ length: 500 }, () => randomInteger(random, 0, 2 ** 32)),
    [2 ** 53, -(2 ** 53), 0, 1],
    [-(2 ** 40), 0, 3, 2 ** 52],
    Array.from({ length: 300 }, () => 1_700_000_000_000 + randomInteger(random, 0, 86_400_000)),
  ];
  for (const values of cases) {
    const encoded = encodeIntegerSequence(values, values.length);
    const kind = encoded.length >= 4 ? new DataView(encoded.buffer).getUint32(0, true) : -1;
    const range = values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
    assert.equal(kind, range < 2 ** 32 && values.every(Number.isSafeInteger) ? 1 : 0, `kind for ${values.slice(0, 4)}`);
    assert.deepEqual([...decodeIntegerSequence(encoded, 0, values.length, 'test')], values);
  }
});

test('decimals round-trip bit for bit; values without a short decimal form stay plain', () => {
  const random = seededRandom(13);
  const twoDecimals = Float64Array.from({ length: 400 }, () => Math.round(random() * 1e6) / 100);
  const fourDecimals = Float64Array.from({ length: 400 }, () => Math.round(random() * 1e7) / 1e4);
  const noisy = Float64Array.from({ length: 400 }, () => random() * 1000);
  const special = Float64Array.from([1.5, -0, 2]);
  const nonFinite = Float64Array.from([1, NaN, Infinity, -Infinity]);
  const floats = Float32Array.from({ length: 400 }, () => Math.round(random() * 1e5) / 10);
  const exponentOf = (payload: Uint8Array): number => new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
  for (const [values, exponent] of [[twoDecimals, 2], [fourDecimals, 4], [noisy, 0xffffffff], [special, 0xffffffff], [nonFinite, 0xffffffff], [floats, 1]] as const) {
    const payload = encodeDecimal(values, null);
    assert.equal(exponentOf(payload), exponent);
    const decoded = decodeDecimal(payload, values.length, values instanceof Float32Array ? 'float' : 'double', 'test');
    assert.equal(decoded.constructor, values.constructor);
    for (let row = 0; row < values.length; row++) assert.ok(Object.is(decoded[row], values[row]), `row ${row}: ${decoded[row]} vs ${values[row]}`);
  }
  // Null rows are free: their in-memory value (NaN here) neither blocks scaling nor is stored.
  const withNulls = Float64Array.from([0.25, NaN, 1.5]);
  const payload = encodeDecimal(withNulls, Uint8Array.from([0, 1, 0]));
  assert.equal(exponentOf(payload), 2);
  assert.deepEqual([...decodeDecimal(payload, 3, 'double', 'test')], [0.25, 0, 1.5]);
});

test('bitmap runs round-trip random and run-heavy row sets', () => {
  const random = seededRandom(14);
  const rowCount = 20_000;
  for (const cardinality of [1, 3, 50, 5000]) {
    // Half the rows in long sorted stretches, half random: both gaps and runs are exercised.
    const ids = new Uint16Array(rowCount);
    for (let row = 0; row < rowCount; row++) ids[row] = row < rowCount / 2 ? Math.floor((row * cardinality) / (rowCount / 2)) % cardinality : randomInteger(random, 0, cardinality);
    const dictionary = Array.from({ length: cardinality }, (_, id) => `v${String(id).padStart(5, '0')}`);
    const column = { kind: 'string', multiValue: false, dictionary, ids } as const;
    const grouped = groupRowsById(column, 'c');
    const section = new BitmapRunsSection(encodeBitmapRuns(grouped), 'c', cardinality, rowCount);
    for (let id = 0; id < cardinality; id++) {
      const expected: number[] = [];
      for (let row = 0; row < rowCount; row++) if (ids[row] === id) expected.push(row);
      assert.deepEqual(section.bitmap(id).toArray(), expected, `cardinality ${cardinality}, id ${id}`);
    }
  }
});

test('bitmap runs past the last row are corrupt', () => {
  const grouped = { starts: Uint32Array.from([0, 2]), rows: Uint32Array.from([3, 9]) };
  const section = new BitmapRunsSection(encodeBitmapRuns(grouped), 'c', 1, 5);
  assert.throws(() => section.bitmap(0), /past the last row/);
});

test('a segment keeps a cheap inverted index and derives an expensive one, with identical bitmaps', async () => {
  const directory = temporaryDirectory();
  try {
    const random = seededRandom(15);
    const rowCount = 200_000;
    const time = Float64Array.from({ length: rowCount }, (_, row) => DAY_START_MS + Math.floor(row / 100) * 1000);
    const sortedValues = Array.from({ length: rowCount }, (_, row) => `host${row % 100}`);
    const randomValues = Array.from({ length: rowCount }, () => `u${randomInteger(random, 0, 50_000)}`);
    const prices = Array.from({ length: rowCount }, () => Math.round(random() * 100_000) / 100);
    const path = join(directory.path, 'segment');
    await writeSegment(path, testInfo(rowCount), time, new Map<string, ColumnData>([
      ['host', stringColumn(sortedValues)],
      ['user', stringColumn(randomValues)],
      ['price', numericColumn('double', prices)],
      ['count', numericColumn('long', Array.from({ length: rowCount }, (_, row) => row % 7))],
    ]));
    const segment = await openSegment(path);
    try {
      const sections = Object.fromEntries(segment.metadata.columns.map((column) => [column.name, Object.keys(column.sections)]));
      assert.deepEqual(sections, { host: ['dictionary', 'ids', 'bitmaps'], user: ['dictionary', 'ids'], price: ['values'], count: ['values'] });
      for (const [name, values] of [['host', sortedValues], ['user', randomValues]] as const) {
        const column = segment.column(name);
        assert.ok(column !== undefined && column.kind === 'string' && !column.multiValue);
        for (const id of [0, 1, Math.floor(column.dictionary.length / 2), column.dictionary.length - 1]) {
          const expected: number[] = [];
          values.forEach((value, row) => value === column.dictionary[id] && expected.push(row));
          assert.deepEqual(column.bitmap(id).toArray(), expected, `${name} id ${id}`);
          assert.ok(column.bitmap(id) instanceof RoaringBitmap32);
        }
        assert.deepEqual([...column.ids].map((id) => column.dictionary[id]), values);
      }
      const price = segment.column('price');
      assert.ok(price !== undefined && price.kind === 'double');
      assert.deepEqual([...price.values], prices);
      assert.deepEqual([...segment.time()], [...time]);
    } finally {
      segment.close();
    }
    assert.deepEqual(await verifySegment(path), { ok: true, problems: [] });
  } finally {
    directory.remove();
  }
});
