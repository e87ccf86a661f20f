// Reads a segment with an independent decoder written from segment-format/README.md alone (plain
// Buffer reads, zstd-napi's one-shot decompress), so the spec and the implementation cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import RoaringModule from 'roaring';
import { decompress } from 'zstd-napi';
import { crc32c } from '@node-rs/crc32';
import type { ColumnData } from '../../segment-format/columns.js';
import { multiValueStringColumn, numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { openSegment } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import type { QueryableSegment } from '../../query/queryable-segment.js';
import { DAY_START_MS, temporaryDirectory, testInfo } from './segment-test-data.js';

const { RoaringBitmap32 } = RoaringModule;

interface Section {
  offset: number;
  length: number;
  crc32c: number;
}

function sectionBytes(file: Buffer, section: Section): Buffer {
  const bytes = file.subarray(section.offset, section.offset + section.length);
  assert.equal(crc32c(bytes) >>> 0, section.crc32c);
  return bytes;
}

function unblock(stored: Buffer): Buffer {
  const blockCount = stored.readUInt32LE(0);
  const parts: Buffer[] = [];
  let cursor = 4 + 8 * blockCount;
  for (let block = 0; block < blockCount; block++) {
    const rawLength = stored.readUInt32LE(4 + 8 * block);
    const storedLength = stored.readUInt32LE(8 + 8 * block);
    const bytes = stored.subarray(cursor, cursor + storedLength);
    parts.push(storedLength === rawLength ? bytes : decompress(bytes));
    cursor += storedLength;
  }
  return Buffer.concat(parts);
}

/** Packed unsigned integers at byte `offset`: u32 bitWidth, then the LSB-first bit stream. */
function unpack(raw: Buffer, offset: number, count: number): number[] {
  const bitWidth = raw.readUInt32LE(offset);
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    let value = 0;
    for (let bit = 0; bit < bitWidth; bit++) {
      const streamBit = index * bitWidth + bit;
      const word = raw.readUInt32LE(offset + 4 + 4 * Math.floor(streamBit / 32));
      if ((word >>> (streamBit % 32)) & 1) value += 2 ** bit;
    }
    values.push(value);
  }
  return values;
}

/** An integer sequence at byte `offset`, as bigints: kind 0 plain i64, kind 1 base + packed. */
function integerSequence(raw: Buffer, offset: number, count: number): bigint[] {
  const kind = raw.readUInt32LE(offset);
  if (kind === 0) return Array.from({ length: count }, (_, index) => raw.readBigInt64LE(offset + 8 + 8 * index));
  assert.equal(kind, 1);
  const base = raw.readBigInt64LE(offset + 4);
  return unpack(raw, offset + 12, count).map((value) => base + BigInt(value));
}

/** Runs of (gap, length - 1) LEB128 varints → rows. */
function bitmapRows(bytes: Buffer): number[] {
  const rows: number[] = [];
  let cursor = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[cursor++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  let previousEnd = 0;
  while (cursor < bytes.length) {
    const first = previousEnd + varint();
    const length = varint() + 1;
    for (let row = first; row < first + length; row++) rows.push(row);
    previousEnd = first + length;
  }
  return rows;
}

function dictionaryOf(raw: Buffer): (string | null)[] {
  const entryCount = raw.readUInt32LE(0);
  const hasNull = (raw.readUInt32LE(4) & 1) === 1;
  const valueCount = entryCount - (hasNull ? 1 : 0);
  const dataStart = 8 + 4 * (valueCount + 1);
  const values = Array.from({ length: valueCount }, (_, index) =>
    raw.toString('utf8', dataStart + raw.readUInt32LE(8 + 4 * index), dataStart + raw.readUInt32LE(12 + 4 * index)),
  );
  return hasNull ? [null, ...values] : values;
}

test('a decoder written from the README reads what the writer wrote', async () => {
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    const time = Float64Array.from([DAY_START_MS, DAY_START_MS + 5, DAY_START_MS + 5, DAY_START_MS + 90_000]);
    await writeSegment(path, testInfo(4), time, new Map<string, ColumnData>([
      ['page', stringColumn(['b', null, 'a', 'b'])],
      ['tags', multiValueStringColumn([['x', 'y'], null, 'y', []])],
      ['added', numericColumn('long', [-(2 ** 40), null, 3, 2 ** 53])],
    ]));
    const file = readFileSync(path);
    assert.equal(file.toString('ascii', 0, 8), 'SEDIMENT');
    assert.equal(file.readUInt32LE(8), 2);
    assert.equal(file.toString('ascii', file.length - 8), 'SEDIMENT');
    const metadataOffset = Number(file.readBigUInt64LE(file.length - 32));
    const metadataLength = Number(file.readBigUInt64LE(file.length - 24));
    assert.equal(metadataOffset + metadataLength, file.length - 32);
    const metadataBytes = file.subarray(metadataOffset, metadataOffset + metadataLength);
    assert.equal(crc32c(metadataBytes) >>> 0, file.readUInt32LE(file.length - 16));
    const metadata = JSON.parse(metadataBytes.toString('utf8'));

    const deltas = integerSequence(unblock(sectionBytes(file, metadata.time)), 0, 4);
    let running = metadata.info.interval.startMs as number;
    assert.deepEqual([...deltas].map((delta) => (running += Number(delta))), [...time]);

    const [page, tags, added] = metadata.columns;
    assert.equal(page.encoding, 'string');
    const pageDictionary = dictionaryOf(unblock(sectionBytes(file, page.sections.dictionary)));
    const pageIds = unpack(unblock(sectionBytes(file, page.sections.ids)), 0, 4);
    assert.equal(page.idWidthBytes, 1);
    assert.deepEqual(pageIds.map((id) => pageDictionary[id]), ['b', null, 'a', 'b']);
    const bitmaps = unblock(sectionBytes(file, page.sections.bitmaps));
    const count = bitmaps.readUInt32LE(0);
    const tableEnd = 4 + 4 * (count + 1);
    const bitmapOf = (id: number): number[] =>
      bitmapRows(bitmaps.subarray(tableEnd + bitmaps.readUInt32LE(4 + 4 * id), tableEnd + bitmaps.readUInt32LE(8 + 4 * id)));
    assert.deepEqual([0, 1, 2].map(bitmapOf), [[1], [2], [0, 3]]);

    assert.equal(tags.encoding, 'multiValueString');
    const tagDictionary = dictionaryOf(unblock(sectionBytes(file, tags.sections.dictionary)));
    const tagOffsets = new Uint32Array(new Uint8Array(unblock(sectionBytes(file, tags.sections.offsets))).buffer);
    const tagIds = unpack(unblock(sectionBytes(file, tags.sections.ids)), 0, tagOffsets[4]!);
    const rows = [0, 1, 2, 3].map((row) => tagIds.slice(tagOffsets[row], tagOffsets[row + 1]).map((id) => tagDictionary[id]));
    assert.deepEqual(rows, [['x', 'y'], [null], ['y'], [null]]);

    assert.equal(added.encoding, 'long');
    assert.deepEqual(integerSequence(unblock(sectionBytes(file, added.sections.values)), 0, 4), [-(2n ** 40n), 0n, 3n, 2n ** 53n]);
    assert.deepEqual(RoaringBitmap32.deserialize(sectionBytes(file, added.sections.nulls), 'portable').toArray(), [1]);
    assert.deepEqual(added.stats, { type: 'LONG', multiValue: false, hasNulls: true, cardinality: null, minValue: -(2 ** 40), maxValue: 2 ** 53, sizeBytes: added.sections.values.length + added.sections.nulls.length });

    const segment = await openSegment(path);
    const queryable: QueryableSegment = segment; // the reader must stay structurally a QueryableSegment
    assert.equal(queryable.rowCount, 4);
    segment.close();
  } finally {
    directory.remove();
  }
});
