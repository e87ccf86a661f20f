import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_RAW_BYTES, blockedRawLength, compressBlocks, decompressBlocks } from '../../segment-format/block-compression.js';
import { SegmentFormatError } from '../../segment-format/segment-format-error.js';
import { randomInteger, seededRandom } from './segment-test-data.js';

function blockTable(stored: Uint8Array): { rawLength: number; storedLength: number }[] {
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  return Array.from({ length: view.readUInt32LE(0) }, (_, block) => ({
    rawLength: view.readUInt32LE(4 + 8 * block),
    storedLength: view.readUInt32LE(8 + 8 * block),
  }));
}

test('payloads of every size around block boundaries round trip', () => {
  const random = seededRandom(5);
  for (const length of [0, 1, 100, BLOCK_RAW_BYTES - 1, BLOCK_RAW_BYTES, BLOCK_RAW_BYTES + 1, 3 * BLOCK_RAW_BYTES + 17]) {
    const raw = Uint8Array.from({ length }, () => (random() < 0.7 ? 0 : randomInteger(random, 0, 256)));
    const stored = compressBlocks(raw);
    const table = blockTable(stored);
    assert.equal(table.length, Math.ceil(length / BLOCK_RAW_BYTES));
    assert.ok(table.every((entry, block) => entry.rawLength === Math.min(BLOCK_RAW_BYTES, length - block * BLOCK_RAW_BYTES)));
    assert.equal(blockedRawLength(stored, 'test'), length);
    const decoded = decompressBlocks(stored, 'test');
    assert.ok(decoded.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Buffer.from(decoded), Buffer.from(raw));
  }
});

test('compressible blocks shrink; incompressible blocks are stored raw', () => {
  const random = seededRandom(6);
  const noise = Uint8Array.from({ length: BLOCK_RAW_BYTES }, () => randomInteger(random, 0, 256));
  const zeros = new Uint8Array(BLOCK_RAW_BYTES);
  const stored = compressBlocks(Buffer.concat([zeros, noise]));
  const [first, second] = blockTable(stored);
  assert.ok(first!.storedLength < 100, `zeros stored in ${first!.storedLength} bytes`);
  assert.equal(second!.storedLength, BLOCK_RAW_BYTES);
  assert.deepEqual(Buffer.from(decompressBlocks(stored, 'test')), Buffer.concat([zeros, noise]));
});

test('a damaged block table or frame is corrupt_segment naming the section', () => {
  const raw = new Uint8Array(200_000).map((_, index) => index % 13);
  const stored = Buffer.from(compressBlocks(raw));
  const cases: [string, (bytes: Buffer) => void, RegExp][] = [
    ['short', (bytes) => bytes.fill(0, 0, 0), /shorter than its block count/],
    ['block count', (bytes) => bytes.writeUInt32LE(1000, 0), /block table runs past/],
    ['raw length', (bytes) => bytes.writeUInt32LE(BLOCK_RAW_BYTES + 1, 4), /impossible lengths/],
    ['stored length', (bytes) => bytes.writeUInt32LE(bytes.readUInt32LE(8) - 1, 8), /blocks hold/],
    ['frame', (bytes) => bytes.fill(0xff, 4 + 8 * 4, 4 + 8 * 4 + 8), /zstd cannot decode/],
  ];
  for (const [name, damage, pattern] of cases) {
    const damaged = name === 'short' ? stored.subarray(0, 2) : Buffer.from(stored);
    damage(damaged);
    assert.throws(() => decompressBlocks(damaged, 'column x section y'), (error) => {
      assert.ok(error instanceof SegmentFormatError, name);
      assert.equal(error.code, 'corrupt_segment');
      assert.match(error.message, /^column x section y/);
      assert.match(error.message, pattern, name);
      return true;
    });
  }
});
