// Batch ingestion's spill files ("runs"): the index's rows in segment order, written as the column
// model's plain arrays (no bitmap index, no bit packing, no compression) so that spilling costs a
// gather and a write, and reading a column back costs a read: its arrays are views of the bytes read.
// A run lives only for the ingestion that wrote it; the final segments are encoded from the merge.
//
// Layout: 8-byte magic, u32 header length, the header (JSON: row count, each column's kind,
// dictionary and the place of each of its arrays), padding to 8, then the arrays, each 8-aligned.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import RoaringModule from 'roaring';
import { SedimentError } from '../cluster/errors.js';
import type { ColumnData, ColumnType, Dictionary } from '../segment-format/columns.js';

const { RoaringBitmap32 } = RoaringModule;

const MAGIC = Buffer.from('SDMRUN01', 'latin1');
const PREFIX_BYTES = MAGIC.length + 4;

/** Sorted rows readable by column: a run file, or a segment file (SegmentFile has this shape). */
export interface SortedRun {
  readonly rowCount: number;
  /** Row times, ascending. */
  time(): Float64Array;
  /** The column; undefined when the run lacks it (every row null). */
  column(name: string): ColumnData | undefined;
  columnType(name: string): ColumnType | undefined;
  isMultiValue(name: string): boolean;
  /** Numeric column `name` as float64 with NaN for null into target at `offset`; false when not numeric. Optional: a fast path. */
  readNumericInto?(name: string, target: Float64Array, offset: number): boolean;
  close(): void;
}

type ArrayType = 'u8' | 'u16' | 'u32' | 'f32' | 'f64';

/** Where one array sits in the file. */
interface ArrayPlace {
  readonly type: ArrayType;
  readonly offset: number;
  readonly length: number;
}

type ColumnHeader =
  | { readonly name: string; readonly kind: 'string'; readonly dictionary: Dictionary; readonly ids: ArrayPlace; readonly offsets: ArrayPlace | null }
  | { readonly name: string; readonly kind: 'long' | 'float' | 'double'; readonly values: ArrayPlace; readonly nullRows: ArrayPlace | null }
  | { readonly name: string; readonly kind: 'hyperUnique'; readonly offsets: ArrayPlace; readonly bytes: ArrayPlace };

interface RunHeader {
  readonly rowCount: number;
  readonly time: ArrayPlace;
  readonly columns: readonly ColumnHeader[];
}

type AnyArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

function typeOf(array: AnyArray): ArrayType {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Float32Array) return 'f32';
  return 'f64';
}

/** Lays arrays out after the header, 8-aligned, keeping the list to write. */
class Layout {
  readonly arrays: AnyArray[] = [];
  private bytes = 0;

  place(array: AnyArray): ArrayPlace {
    const offset = this.bytes;
    this.arrays.push(array);
    this.bytes += align8(array.byteLength);
    return { type: typeOf(array), offset, length: array.length };
  }
}

function align8(bytes: number): number {
  return (bytes + 7) & ~7;
}

function columnHeader(name: string, column: ColumnData, layout: Layout): ColumnHeader {
  switch (column.kind) {
    case 'string':
      return { name, kind: 'string', dictionary: column.dictionary, ids: layout.place(column.ids), offsets: column.multiValue ? layout.place(column.offsets) : null };
    case 'long':
    case 'float':
    case 'double':
      return { name, kind: column.kind, values: layout.place(column.values), nullRows: column.nulls === null ? null : layout.place(column.nulls.toUint32Array()) };
    case 'hyperUnique': {
      const offsets = new Uint32Array(column.values.length + 1);
      for (let row = 0; row < column.values.length; row++) offsets[row + 1] = offsets[row]! + column.values[row]!.length;
      const bytes = new Uint8Array(offsets[column.values.length]!);
      column.values.forEach((value, row) => bytes.set(value, offsets[row]!));
      return { name, kind: 'hyperUnique', offsets: layout.place(offsets), bytes: layout.place(bytes) };
    }
  }
}

/** Writes rows in segment order (times ascending, columns by name) as a run file at `path`. */
export async function writeRunFile(path: string, times: Float64Array, columns: readonly { readonly name: string; readonly data: ColumnData }[]): Promise<void> {
  const layout = new Layout();
  const header: RunHeader = { rowCount: times.length, time: layout.place(times), columns: columns.map(({ name, data }) => columnHeader(name, data, layout)) };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length);
  const padding = new Uint8Array(8);
  const chunks: Uint8Array[] = [prefix, headerBytes, padding.subarray(0, align8(PREFIX_BYTES + headerBytes.length) - PREFIX_BYTES - headerBytes.length)];
  for (const array of layout.arrays) {
    chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const pad = align8(array.byteLength) - array.byteLength;
    if (pad > 0) chunks.push(padding.subarray(0, pad));
  }
  const file = await open(path, 'w');
  try {
    // writev takes at most IOV_MAX (1024) buffers per call.
    for (let from = 0; from < chunks.length; from += 512) await writeFully(file, chunks.slice(from, from + 512));
  } finally {
    await file.close();
  }
}

async function writeFully(file: Awaited<ReturnType<typeof open>>, chunks: Uint8Array[]): Promise<void> {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const { bytesWritten } = await file.writev(chunks);
  if (bytesWritten === total) return;
  // A short write: write the rest one chunk at a time.
  let skip = bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    await file.write(chunk.subarray(skip));
    skip = 0;
  }
}

function corruptRun(path: string, message: string): SedimentError {
  return new SedimentError('internal', `spill file ${path}: ${message}`);
}

/** Opens a run file, reading its header; columns are read when asked for. */
export async function openRunFile(path: string): Promise<RunFile> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const prefix = readExactly(fd, path, 0, PREFIX_BYTES, size);
    if (!MAGIC.equals(prefix.subarray(0, MAGIC.length))) throw corruptRun(path, 'not a run file');
    const headerLength = prefix.readUInt32LE(MAGIC.length);
    const header = JSON.parse(readExactly(fd, path, PREFIX_BYTES, headerLength, size).toString('utf8')) as RunHeader;
    return new RunFile(path, fd, size, header, align8(PREFIX_BYTES + headerLength));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function readExactly(fd: number, path: string, position: number, length: number, fileSize: number): Buffer {
  const bytes = Buffer.alloc(length);
  readFully(fd, path, bytes, position, fileSize);
  return bytes;
}

/** Fills `bytes` from the file at `position`; a file too short for it is truncated. */
function readFully(fd: number, path: string, bytes: Uint8Array, position: number, fileSize: number): void {
  if (position + bytes.length > fileSize) throw corruptRun(path, 'is shorter than its header says (truncated?)');
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (read === 0) throw corruptRun(path, `ends after ${position + done} bytes (truncated?)`);
    done += read;
  }
}

/** A run file: each column is read from disk when asked for (not kept), so a caller holds what it uses. */
export class RunFile implements SortedRun {
  readonly rowCount: number;
  private readonly headers = new Map<string, ColumnHeader>();
  private fd: number | null;

  constructor(
    private readonly path: string,
    fd: number,
    private readonly fileSize: number,
    private readonly header: RunHeader,
    private readonly dataStart: number,
  ) {
    this.fd = fd;
    this.rowCount = header.rowCount;
    for (const column of header.columns) this.headers.set(column.name, column);
  }

  time(): Float64Array {
    return this.array(this.header.time) as Float64Array;
  }

  column(name: string): ColumnData | undefined {
    const header = this.headers.get(name);
    return header === undefined ? undefined : this.columnOf(header);
  }

  columnType(name: string): ColumnType | undefined {
    const header = this.headers.get(name);
    if (header === undefined) return undefined;
    return header.kind === 'string' ? 'STRING' : header.kind === 'hyperUnique' ? 'COMPLEX<hyperUnique>' : (header.kind.toUpperCase() as ColumnType);
  }

  isMultiValue(name: string): boolean {
    const header = this.headers.get(name);
    return header !== undefined && header.kind === 'string' && header.offsets !== null;
  }

  /**
   * Reads numeric column `name` into target[offset .. offset + rowCount) as float64 with NaN for
   * null, straight from the file when it holds float64 (no intermediate copy: copying into a
   * SharedArrayBuffer is slow). False, leaving target as it was, when the column is not numeric.
   */
  readNumericInto(name: string, target: Float64Array, offset: number): boolean {
    const header = this.headers.get(name);
    if (header === undefined || (header.kind !== 'long' && header.kind !== 'float' && header.kind !== 'double')) return false;
    if (header.values.type === 'f64') {
      const bytes = new Uint8Array(target.buffer, target.byteOffset + offset * 8, this.rowCount * 8);
      this.readInto(bytes, this.dataStart + header.values.offset);
    } else {
      const values = this.array(header.values);
      for (let row = 0; row < values.length; row++) target[offset + row] = values[row]!;
    }
    if (header.nullRows !== null) {
      const nullRows = this.array(header.nullRows) as Uint32Array;
      for (let index = 0; index < nullRows.length; index++) target[offset + nullRows[index]!] = Number.NaN;
    }
    return true;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private columnOf(header: ColumnHeader): ColumnData {
    switch (header.kind) {
      case 'string': {
        const ids = this.array(header.ids) as Uint8Array | Uint16Array | Uint32Array;
        if (header.offsets === null) return { kind: 'string', multiValue: false, dictionary: header.dictionary, ids };
        return { kind: 'string', multiValue: true, dictionary: header.dictionary, offsets: this.array(header.offsets) as Uint32Array, ids };
      }
      case 'long':
      case 'float':
      case 'double': {
        const nulls = header.nullRows === null ? null : new RoaringBitmap32(this.array(header.nullRows) as Uint32Array);
        return { kind: header.kind, values: this.array(header.values) as Float64Array | Float32Array, nulls };
      }
      case 'hyperUnique': {
        const offsets = this.array(header.offsets) as Uint32Array;
        const bytes = this.array(header.bytes) as Uint8Array;
        const values = Array.from({ length: offsets.length - 1 }, (_, row) => bytes.subarray(offsets[row]!, offsets[row + 1]!));
        return { kind: 'hyperUnique', values };
      }
    }
  }

  private readInto(bytes: Uint8Array, position: number): void {
    if (this.fd === null) throw new SedimentError('internal', `spill file ${this.path} is closed`);
    readFully(this.fd, this.path, bytes, position, this.fileSize);
  }

  private array(place: ArrayPlace): AnyArray {
    const width = place.type === 'u8' ? 1 : place.type === 'u16' ? 2 : place.type === 'u32' || place.type === 'f32' ? 4 : 8;
    // A fresh buffer per array: offset 0, so typed-array views of it are aligned.
    const bytes = new Uint8Array(new ArrayBuffer(place.length * width));
    this.readInto(bytes, this.dataStart + place.offset);
    switch (place.type) {
      case 'u8':
        return new Uint8Array(bytes.buffer, 0, place.length);
      case 'u16':
        return new Uint16Array(bytes.buffer, 0, place.length);
      case 'u32':
        return new Uint32Array(bytes.buffer, 0, place.length);
      case 'f32':
        return new Float32Array(bytes.buffer, 0, place.length);
      case 'f64':
        return new Float64Array(bytes.buffer, 0, place.length);
    }
  }
}
