import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnData } from '../../segment-format/columns.js';
import { complexColumn, multiValueStringColumn, numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { crc32c } from '../../segment-format/crc32c.js';
import { encodeFooter } from '../../segment-format/segment-file-layout.js';
import { encodeMetadata, type SectionDescriptor } from '../../segment-format/segment-file-metadata.js';
import { SegmentFormatError } from '../../segment-format/segment-format-error.js';
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { verifySegment } from '../../segment-format/segment-verifier.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { randomInteger, randomTimes, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

const ROW_COUNT = 5000;

function sampleColumns(): Map<string, ColumnData> {
  const random = seededRandom(9);
  const rows = Array.from({ length: ROW_COUNT }, (_, row) => row);
  return new Map<string, ColumnData>([
    ['page', stringColumn(rows.map(() => (random() < 0.1 ? null : `page-${randomInteger(random, 0, 300)}`)))],
    ['tags', multiValueStringColumn(rows.map(() => [`t${randomInteger(random, 0, 20)}`, `t${randomInteger(random, 0, 20)}`]))],
    ['added', numericColumn('long', rows.map(() => (random() < 0.1 ? null : randomInteger(random, -1e6, 1e6))))],
    ['score', numericColumn('double', rows.map(() => random()))],
    ['users', complexColumn(rows.map(() => Uint8Array.from({ length: 8 }, () => randomInteger(random, 0, 256))))],
  ]);
}

function isCorrupt(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof SegmentFormatError, `expected SegmentFormatError, got ${String(error)}`);
    assert.equal(error.code, 'corrupt_segment');
    assert.match(error.message, pattern);
    return true;
  };
}

/** Loads everything a query could touch in a column, bitmaps included. */
function loadFully(file: SegmentFile, name: string): void {
  const column = file.column(name)!;
  if (column.kind === 'string') for (let id = 0; id < column.dictionary.length; id++) column.bitmap(id);
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] ^= 0x5a;
  writeFileSync(path, bytes);
}

async function withPristineSegment(check: (pristinePath: string, scratchPath: string) => Promise<void>): Promise<void> {
  const directory = temporaryDirectory();
  try {
    const pristinePath = join(directory.path, 'pristine');
    await writeSegment(pristinePath, testInfo(ROW_COUNT), randomTimes(seededRandom(3), ROW_COUNT), sampleColumns());
    await check(pristinePath, join(directory.path, 'scratch'));
  } finally {
    directory.remove();
  }
}

test('a flipped byte in any column section is reported by the verifier and fails only that column', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const pristine = await openSegment(pristinePath);
    const { columns } = pristine.metadata;
    pristine.close();
    let sectionsChecked = 0;
    for (const descriptor of columns) {
      for (const [sectionName, section] of Object.entries(descriptor.sections)) {
        copyFileSync(pristinePath, scratchPath);
        flipByte(scratchPath, section.offset + Math.floor(section.length / 2));
        const label = `column ${descriptor.name} section ${sectionName}`;
        const verification = await verifySegment(scratchPath);
        assert.equal(verification.ok, false, label);
        assert.deepEqual(verification.problems, [`${label}: CRC32C mismatch`]);
        // The checksum depth a segment load uses reports the same damage.
        assert.deepEqual(await verifySegment(scratchPath, 'checksums'), verification, label);
        const file = await openSegment(scratchPath);
        try {
          assert.throws(() => loadFully(file, descriptor.name), isCorrupt(new RegExp(`^${label}: CRC32C mismatch$`)));
          file.time();
          for (const other of columns) if (other.name !== descriptor.name) loadFully(file, other.name);
        } finally {
          file.close();
        }
        sectionsChecked++;
      }
    }
    assert.equal(sectionsChecked, 3 + 4 + 2 + 1 + 2);
  });
});

test('a corrupt bitmaps section leaves the column values readable; only bitmap() fails', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const pristine = await openSegment(pristinePath);
    const bitmaps = pristine.metadata.columns.find((column) => column.name === 'page')!.sections['bitmaps']!;
    pristine.close();
    copyFileSync(pristinePath, scratchPath);
    flipByte(scratchPath, bitmaps.offset + bitmaps.length - 1);
    const file = await openSegment(scratchPath);
    try {
      const column = file.column('page')!;
      assert.ok(column.kind === 'string');
      assert.equal(column.ids.length, ROW_COUNT);
      assert.throws(() => column.bitmap(0), isCorrupt(/^column page section bitmaps: CRC32C mismatch$/));
    } finally {
      file.close();
    }
  });
});

test('a flipped byte in the __time section fails time() but not the columns', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const pristine = await openSegment(pristinePath);
    const time = pristine.metadata.time;
    pristine.close();
    copyFileSync(pristinePath, scratchPath);
    flipByte(scratchPath, time.offset + 10);
    assert.deepEqual(await verifySegment(scratchPath), { ok: false, problems: ['section __time: CRC32C mismatch'] });
    const file = await openSegment(scratchPath);
    try {
      assert.throws(() => file.time(), isCorrupt(/^section __time: CRC32C mismatch$/));
      loadFully(file, 'page');
    } finally {
      file.close();
    }
  });
});

test('a flipped byte in the header, metadata block or footer fails on open', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const pristine = await openSegment(pristinePath);
    const size = pristine.sizeBytes;
    const metadataStart = maxSectionEnd(pristine);
    pristine.close();
    const cases: [string, number, RegExp][] = [
      ['header magic', 2, /^header: .*bad magic/],
      ['header version', 8, /^header: CRC32C mismatch/],
      ['header checksum', 13, /^header: CRC32C mismatch/],
      ['metadata start', metadataStart, /^metadata: CRC32C mismatch/],
      ['metadata middle', Math.floor((metadataStart + size - 32) / 2), /^metadata: CRC32C mismatch/],
      ...Array.from({ length: 32 }, (_, index): [string, number, RegExp] => [`footer byte ${index}`, size - 32 + index, /^footer: /]),
    ];
    for (const [name, offset, pattern] of cases) {
      copyFileSync(pristinePath, scratchPath);
      flipByte(scratchPath, offset);
      await assert.rejects(openSegment(scratchPath), isCorrupt(pattern), name);
      const verification = await verifySegment(scratchPath);
      assert.equal(verification.ok, false, name);
      assert.match(verification.problems[0]!, pattern, name);
    }
  });
});

test('a truncated file fails on open', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const size = readFileSync(pristinePath).length;
    for (const length of [0, 10, 47, Math.floor(size / 2), size - 33, size - 1]) {
      copyFileSync(pristinePath, scratchPath);
      truncateSync(scratchPath, length);
      await assert.rejects(openSegment(scratchPath), isCorrupt(/truncated|too short/), `truncated to ${length}`);
      assert.equal((await verifySegment(scratchPath)).ok, false);
    }
  });
});

test('a file with bytes appended fails on open', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    writeFileSync(scratchPath, Buffer.concat([readFileSync(pristinePath), Buffer.from('extra')]));
    await assert.rejects(openSegment(scratchPath), isCorrupt(/^footer: /));
  });
});

test('the verifier reports every corrupt section, not just the first', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const pristine = await openSegment(pristinePath);
    const [page, , added] = pristine.metadata.columns;
    pristine.close();
    copyFileSync(pristinePath, scratchPath);
    flipByte(scratchPath, page!.sections['ids']!.offset + 1);
    flipByte(scratchPath, page!.sections['bitmaps']!.offset + 1);
    flipByte(scratchPath, added!.sections['values']!.offset + 1);
    const verification = await verifySegment(scratchPath);
    assert.deepEqual(verification.problems, [
      'column page section ids: CRC32C mismatch',
      'column page section bitmaps: CRC32C mismatch',
      'column added section values: CRC32C mismatch',
    ]);
  });
});

function maxSectionEnd(file: SegmentFile): number {
  const sections = [file.metadata.time, ...file.metadata.columns.flatMap((column) => Object.values(column.sections))];
  return Math.max(...sections.map((section) => section.offset + section.length));
}

/** Rewrites `section` with `patch` applied and every checksum made to match, as a buggy writer would. */
async function rewriteWithValidChecksums(pristinePath: string, scratchPath: string, columnName: string, sectionName: string, patch: (bytes: Buffer) => void): Promise<void> {
  const pristine = await openSegment(pristinePath);
  const metadata = pristine.metadata;
  pristine.close();
  const bytes = readFileSync(pristinePath);
  const metadataOffset = maxSectionEnd({ metadata } as SegmentFile);
  const column = metadata.columns.find((entry) => entry.name === columnName)!;
  const section = column.sections[sectionName]!;
  const sectionBytes = bytes.subarray(section.offset, section.offset + section.length);
  patch(sectionBytes);
  const patched: SectionDescriptor = { ...section, crc32c: crc32c(sectionBytes) };
  const columns = metadata.columns.map((entry) => (entry === column ? { ...entry, sections: { ...entry.sections, [sectionName]: patched } } : entry));
  const metadataBytes = encodeMetadata({ ...metadata, columns });
  const footer = encodeFooter({ metadataOffset, metadataLength: metadataBytes.length, metadataCrc32c: crc32c(metadataBytes) });
  writeFileSync(scratchPath, Buffer.concat([bytes.subarray(0, metadataOffset), metadataBytes, footer]));
}

test('a section with a valid checksum that does not decode is reported and fails to load', async () => {
  await withPristineSegment(async (pristinePath, scratchPath) => {
    const cases: [string, string, (bytes: Buffer) => void, RegExp][] = [
      ['page', 'ids', (bytes) => bytes.writeUInt32LE(0xffffff, 0), /^column page section ids: block table runs past/],
      ['page', 'ids', (bytes) => bytes.fill(0xee, 12 + 8 * 0), /^column page section ids: /],
      ['score', 'values', (bytes) => bytes.writeUInt32LE(100, 4), /^column score section values: /],
      ['page', 'dictionary', (bytes) => bytes.fill(7, 20), /^column page section dictionary: /],
      ['tags', 'bitmaps', (bytes) => bytes.writeUInt32LE(3, 0), /^column tags section bitmaps: /],
    ];
    for (const [columnName, sectionName, patch, pattern] of cases) {
      await rewriteWithValidChecksums(pristinePath, scratchPath, columnName, sectionName, patch);
      const verification = await verifySegment(scratchPath);
      assert.equal(verification.problems.length, 1, `${columnName}.${sectionName}: ${verification.problems.join('; ')}`);
      assert.match(verification.problems[0]!, pattern);
      const file = await openSegment(scratchPath);
      try {
        assert.throws(() => loadFully(file, columnName), isCorrupt(pattern));
      } finally {
        file.close();
      }
    }
  });
});
