// A string column's inverted index on disk: the `bitmaps` section (blocked). Raw payload, little-endian:
//   u32 bitmapCount                          = dictionary size
//   u32 byteOffsets[bitmapCount + 1]         relative to the first byte after this table
//   runs of bitmap 0, runs of bitmap 1, ...
// A bitmap's rows are a list of runs, each two unsigned LEB128 varints: the gap from the end of the
// previous run (exclusive; 0 before the first run) to the run's first row, and the run length - 1.
// Sorted dimensions give long runs and regular gaps, which zstd shrinks to almost nothing; random
// rows cost about log2(mean gap) bits each instead of roaring's 16+.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import type { GroupedRows } from './bitmap-index-builder.js';
import type { ScratchMemory } from './scratch-memory.js';
import type { BitmapIndex } from './columns.js';
import { corruptSegment } from './segment-format-error.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

/** The raw payload of a bitmaps section for the grouped rows (in `scratch` when given: compress it at once). */
export function encodeBitmapRuns(grouped: GroupedRows, scratch?: ScratchMemory): Uint8Array {
  const { rows, starts } = grouped;
  const bitmapCount = starts.length - 1;
  const tableBytes = 4 + 4 * (bitmapCount + 1);
  // Each row starts at most one run of two varints of at most 5 bytes.
  const payloadBytes = tableBytes + 10 * rows.length;
  const payload = scratch === undefined ? Buffer.allocUnsafe(payloadBytes) : scratch.bytes('bitmapRuns', payloadBytes);
  payload.writeUInt32LE(bitmapCount, 0);
  payload.writeUInt32LE(0, 4);
  let cursor = tableBytes;
  for (let id = 0; id < bitmapCount; id++) {
    let previousEnd = 0;
    let index = starts[id]!;
    const end = starts[id + 1]!;
    while (index < end) {
      const first = rows[index]!;
      let last = first;
      while (index + 1 < end && rows[index + 1] === last + 1) last = rows[++index]!;
      index++;
      cursor = writeVarint(payload, cursor, first - previousEnd);
      cursor = writeVarint(payload, cursor, last - first);
      previousEnd = last + 1;
    }
    payload.writeUInt32LE(cursor - tableBytes, 4 + 4 * (id + 1));
  }
  return payload.subarray(0, cursor);
}

function writeVarint(bytes: Uint8Array, cursor: number, value: number): number {
  while (value >= 0x80) {
    bytes[cursor++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[cursor++] = value;
  return cursor;
}

/** Lazy view of a decoded bitmaps payload: each bitmap is built on first request, then cached. */
export class BitmapRunsSection implements BitmapIndex {
  private readonly view: DataView;
  private readonly bitmaps: (RoaringBitmap32 | undefined)[];
  private readonly dataStart: number;
  private scratch: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly raw: Uint8Array,
    private readonly label: string,
    expectedCount: number,
    private readonly rowCount: number,
  ) {
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (raw.length < 4) throw corruptSegment(`${label}: too short for its bitmap count`);
    const bitmapCount = this.view.getUint32(0, true);
    if (bitmapCount !== expectedCount) throw corruptSegment(`${label}: holds ${bitmapCount} bitmaps, dictionary has ${expectedCount}`);
    this.dataStart = 4 + 4 * (bitmapCount + 1);
    if (this.dataStart > raw.length) throw corruptSegment(`${label}: offset table runs past the section end`);
    if (this.dataStart + this.offset(bitmapCount) !== raw.length) throw corruptSegment(`${label}: offset table does not end at the section end`);
    this.bitmaps = new Array<RoaringBitmap32 | undefined>(bitmapCount);
  }

  bitmap(id: number): RoaringBitmap32 {
    const cached = this.bitmaps[id];
    if (cached !== undefined) return cached;
    if (!Number.isInteger(id) || id < 0 || id >= this.bitmaps.length) {
      throw new RangeError(`bitmap id ${id} out of range 0..${this.bitmaps.length - 1}`);
    }
    const start = this.dataStart + this.offset(id);
    const end = this.dataStart + this.offset(id + 1);
    if (end < start || end > this.raw.length) throw corruptSegment(`${this.label}: bitmap ${id} has bad offsets`);
    const bitmap = this.decode(start, end, id);
    this.bitmaps[id] = bitmap;
    return bitmap;
  }

  private offset(index: number): number {
    return this.view.getUint32(4 + 4 * index, true);
  }

  private decode(start: number, end: number, id: number): RoaringBitmap32 {
    const raw = this.raw;
    let count = 0;
    let runs = 0;
    let previousEnd = 0;
    let cursor = start;
    while (cursor < end) {
      let gap = 0;
      let length = 0;
      for (let shift = 0; ; shift += 7) {
        if (cursor >= end || shift > 28) throw corruptSegment(`${this.label}: bitmap ${id} has a bad varint`);
        const byte = raw[cursor++]!;
        gap += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      for (let shift = 0; ; shift += 7) {
        if (cursor >= end || shift > 28) throw corruptSegment(`${this.label}: bitmap ${id} has a bad varint`);
        const byte = raw[cursor++]!;
        length += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      const first = previousEnd + gap;
      previousEnd = first + length + 1;
      if (previousEnd > this.rowCount) throw corruptSegment(`${this.label}: bitmap ${id} holds row ${previousEnd - 1}, past the last row`);
      if (this.scratch.length < count + length + 1) this.scratch = grown(this.scratch, count + length + 1);
      const scratch = this.scratch;
      for (let row = first; row < previousEnd; row++) scratch[count++] = row;
      runs++;
    }
    const bitmap = new Bitmap(this.scratch.subarray(0, count));
    if (runs * 2 < count) bitmap.runOptimize();
    return bitmap;
  }
}

/** A larger array holding the same leading values. */
function grown(array: Uint32Array, needed: number): Uint32Array {
  let capacity = Math.max(1024, array.length * 2);
  while (capacity < needed) capacity *= 2;
  const larger = new Uint32Array(capacity);
  larger.set(array);
  return larger;
}

/**
 * The inverted index of a column whose writer left it out (it would have been larger than the ids):
 * rows are grouped by id once, on the first request, and each bitmap is built from its group.
 */
export class DerivedBitmapIndex implements BitmapIndex {
  private grouped: GroupedRows | null = null;
  private readonly bitmaps: (RoaringBitmap32 | undefined)[];

  constructor(
    private readonly group: () => GroupedRows,
    bitmapCount: number,
  ) {
    this.bitmaps = new Array<RoaringBitmap32 | undefined>(bitmapCount);
  }

  bitmap(id: number): RoaringBitmap32 {
    const cached = this.bitmaps[id];
    if (cached !== undefined) return cached;
    if (!Number.isInteger(id) || id < 0 || id >= this.bitmaps.length) {
      throw new RangeError(`bitmap id ${id} out of range 0..${this.bitmaps.length - 1}`);
    }
    const grouped = (this.grouped ??= this.group());
    const bitmap = new Bitmap(grouped.rows.subarray(grouped.starts[id]!, grouped.starts[id + 1]!));
    bitmap.runOptimize();
    this.bitmaps[id] = bitmap;
    return bitmap;
  }
}

/** Deserializes one portable roaring bitmap, mapping a decode failure to corrupt_segment. */
export function deserialize(bytes: Uint8Array, label: string): RoaringBitmap32 {
  try {
    return Bitmap.deserialize(bytes, 'portable');
  } catch (error) {
    throw corruptSegment(`${label}: not a valid roaring bitmap (${(error as Error).message})`);
  }
}
