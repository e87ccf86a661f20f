// A "blocked" section: the raw payload cut into 64 KiB blocks, each compressed on its own with zstd
// level 1 (as good as level 3 on column data, and faster). Layout, little-endian:
//   u32 blockCount
//   blockCount × { u32 rawLength, u32 storedLength }
//   the stored bytes of each block, in order
// A block whose storedLength equals its rawLength is stored uncompressed (the writer does that when
// zstd does not shrink it); otherwise it is one zstd frame.
import zstdBinding from 'zstd-napi/binding.js';
import { corruptSegment } from './segment-format-error.js';

export const BLOCK_RAW_BYTES = 64 * 1024;
const COMPRESSION_LEVEL = 1;
const BLOCK_ENTRY_BYTES = 8;

let compressionContext: InstanceType<typeof zstdBinding.CCtx> | null = null;
let decompressionContext: InstanceType<typeof zstdBinding.DCtx> | null = null;
let blockBoundBytes = 0;

/** Compresses `raw` into a blocked section. */
export function compressBlocks(raw: Uint8Array): Uint8Array {
  compressionContext ??= new zstdBinding.CCtx();
  blockBoundBytes ||= zstdBinding.compressBound(BLOCK_RAW_BYTES);
  const blockCount = Math.ceil(raw.length / BLOCK_RAW_BYTES);
  const tableBytes = 4 + blockCount * BLOCK_ENTRY_BYTES;
  const output = Buffer.allocUnsafe(tableBytes + blockCount * blockBoundBytes);
  output.writeUInt32LE(blockCount, 0);
  let cursor = tableBytes;
  for (let block = 0; block < blockCount; block++) {
    const source = raw.subarray(block * BLOCK_RAW_BYTES, (block + 1) * BLOCK_RAW_BYTES);
    const destination = output.subarray(cursor, cursor + blockBoundBytes);
    let storedLength = compressionContext.compress(destination, source, COMPRESSION_LEVEL);
    if (storedLength >= source.length) {
      destination.set(source);
      storedLength = source.length;
    }
    output.writeUInt32LE(source.length, 4 + block * BLOCK_ENTRY_BYTES);
    output.writeUInt32LE(storedLength, 8 + block * BLOCK_ENTRY_BYTES);
    cursor += storedLength;
  }
  return output.subarray(0, cursor);
}

/** Validates the block table of a blocked section and returns its total raw length. */
export function blockedRawLength(stored: Uint8Array, label: string): number {
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (view.length < 4) throw corruptSegment(`${label}: blocked section shorter than its block count`);
  const blockCount = view.readUInt32LE(0);
  const tableBytes = 4 + blockCount * BLOCK_ENTRY_BYTES;
  if (tableBytes > view.length) throw corruptSegment(`${label}: block table runs past the section end`);
  let rawTotal = 0;
  let storedTotal = tableBytes;
  for (let block = 0; block < blockCount; block++) {
    const rawLength = view.readUInt32LE(4 + block * BLOCK_ENTRY_BYTES);
    const storedLength = view.readUInt32LE(8 + block * BLOCK_ENTRY_BYTES);
    if (rawLength > BLOCK_RAW_BYTES || storedLength > rawLength) {
      throw corruptSegment(`${label}: block ${block} has impossible lengths (raw ${rawLength}, stored ${storedLength})`);
    }
    rawTotal += rawLength;
    storedTotal += storedLength;
  }
  if (storedTotal !== view.length) {
    throw corruptSegment(`${label}: blocks hold ${storedTotal} bytes but the section has ${view.length}`);
  }
  return rawTotal;
}

/** Decompresses a blocked section into `destination`, whose length must be blockedRawLength(stored). */
export function decompressBlocksInto(stored: Uint8Array, destination: Uint8Array, label: string): void {
  const rawTotal = blockedRawLength(stored, label);
  if (rawTotal !== destination.length) {
    throw corruptSegment(`${label}: decodes to ${rawTotal} bytes, expected ${destination.length}`);
  }
  decompressionContext ??= new zstdBinding.DCtx();
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const blockCount = view.readUInt32LE(0);
  let source = 4 + blockCount * BLOCK_ENTRY_BYTES;
  let target = 0;
  for (let block = 0; block < blockCount; block++) {
    const rawLength = view.readUInt32LE(4 + block * BLOCK_ENTRY_BYTES);
    const storedLength = view.readUInt32LE(8 + block * BLOCK_ENTRY_BYTES);
    const input = stored.subarray(source, source + storedLength);
    const output = destination.subarray(target, target + rawLength);
    if (storedLength === rawLength) output.set(input);
    else decompressBlock(output, input, `${label}: block ${block}`);
    source += storedLength;
    target += rawLength;
  }
}

function decompressBlock(output: Uint8Array, input: Uint8Array, label: string): void {
  let written: number;
  try {
    written = decompressionContext!.decompress(output, input);
  } catch (error) {
    throw corruptSegment(`${label}: zstd cannot decode it (${(error as Error).message})`);
  }
  if (written !== output.length) throw corruptSegment(`${label}: decodes to ${written} bytes, expected ${output.length}`);
}

/** Decompresses a blocked section into a new buffer (on a SharedArrayBuffer, so workers can share it). */
export function decompressBlocks(stored: Uint8Array, label: string): Uint8Array {
  const destination = new Uint8Array(new SharedArrayBuffer(blockedRawLength(stored, label)));
  decompressBlocksInto(stored, destination, label);
  return destination;
}
