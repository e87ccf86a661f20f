// A string column's bitmaps section, stored uncompressed (roaring is already compressed, and this
// way one bitmap deserializes without touching the others). Little-endian:
//   u32 bitmapCount                          = dictionary size
//   u32 byteOffsets[bitmapCount + 1]         relative to the start of data
//   data                                     portable roaring serializations, in id order
// Containers use run encoding where it is smaller: sorted dimensions give long runs of rows.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import type { GroupedRows } from './bitmap-index-builder.js';
import { portableSizeBytes, writePortable } from './portable-bitmap-writer.js';
import { corruptSegment } from './segment-format-error.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

export function encodeBitmapSection(grouped: GroupedRows): Uint8Array {
  const bitmapCount = grouped.starts.length - 1;
  const tableBytes = 4 + 4 * (bitmapCount + 1);
  let dataBytes = 0;
  const { rows, starts } = grouped;
  for (let id = 0; id < bitmapCount; id++) dataBytes += portableSizeBytes(rows, starts[id]!, starts[id + 1]!);
  if (tableBytes + dataBytes > 0xffffffff) throw new RangeError('bitmaps section over 4 GiB');
  const section = Buffer.allocUnsafe(tableBytes + dataBytes);
  section.writeUInt32LE(bitmapCount, 0);
  section.writeUInt32LE(0, 4);
  let cursor = 0;
  for (let id = 0; id < bitmapCount; id++) {
    cursor += writePortable(rows, section, tableBytes + cursor, starts[id]!, starts[id + 1]!);
    section.writeUInt32LE(cursor, 4 + 4 * (id + 1));
  }
  if (cursor !== dataBytes) throw new Error(`bitmap serialization wrote ${cursor} bytes, sized ${dataBytes}`);
  return section;
}


/** Lazy view of a bitmaps section: each bitmap is deserialized on first request, then cached. */
export class BitmapSection {
  private readonly view: Buffer;
  private readonly bitmaps: (RoaringBitmap32 | undefined)[];
  private readonly dataStart: number;

  constructor(
    stored: Uint8Array,
    private readonly label: string,
    expectedCount: number,
  ) {
    this.view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (this.view.length < 4) throw corruptSegment(`${label}: too short for its bitmap count`);
    const bitmapCount = this.view.readUInt32LE(0);
    if (bitmapCount !== expectedCount) throw corruptSegment(`${label}: holds ${bitmapCount} bitmaps, dictionary has ${expectedCount}`);
    this.dataStart = 4 + 4 * (bitmapCount + 1);
    if (this.dataStart > this.view.length) throw corruptSegment(`${label}: offset table runs past the section end`);
    if (this.dataStart + this.view.readUInt32LE(this.dataStart - 4) !== this.view.length) {
      throw corruptSegment(`${label}: offset table does not end at the section end`);
    }
    this.bitmaps = new Array<RoaringBitmap32 | undefined>(bitmapCount);
  }

  get count(): number {
    return this.bitmaps.length;
  }

  bitmap(id: number): RoaringBitmap32 {
    const cached = this.bitmaps[id];
    if (cached !== undefined) return cached;
    if (!Number.isInteger(id) || id < 0 || id >= this.bitmaps.length) {
      throw new RangeError(`bitmap id ${id} out of range 0..${this.bitmaps.length - 1}`);
    }
    const start = this.dataStart + this.view.readUInt32LE(4 + 4 * id);
    const end = this.dataStart + this.view.readUInt32LE(4 + 4 * (id + 1));
    if (end < start || end > this.view.length) throw corruptSegment(`${this.label}: bitmap ${id} has bad offsets`);
    const bitmap = deserialize(this.view.subarray(start, end), `${this.label}: bitmap ${id}`);
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
