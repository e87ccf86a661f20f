// Opens a segment file. Opening reads and checks only the header, footer and metadata block; each
// column's sections are read (positioned reads on a kept-open fd), CRC-checked and decoded on first
// use, then cached. The shape matches query/queryable-segment.ts's QueryableSegment.
import { closeSync, fstat, open, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { columnTypeOf, type Column, type ColumnType } from './columns.js';
import { decompressBlocks } from './block-compression.js';
import { decodeColumn } from './column-decoder.js';
import { cacheClosed, columnDecoded, columnUsed, type DecodedColumnCache } from './decoded-column-budget.js';
import { crc32c } from './crc32c.js';
import { decodeFooter, decodeHeader, FOOTER_BYTES, HEADER_BYTES } from './segment-file-layout.js';
import { columnTypeOfEncoding, parseMetadata, type ColumnDescriptor, type SectionDescriptor, type SegmentFileMetadata } from './segment-file-metadata.js';
import { corruptSegment } from './segment-format-error.js';
import { segmentIdOf, type ColumnStats, type SegmentInfo } from './segment-metadata.js';
import type { SectionSource } from './section-source.js';
import { decodeTime } from './time-codec.js';

const openFile = promisify(open);
const statFile = promisify(fstat);

export async function openSegment(path: string): Promise<SegmentFile> {
  const fd = await openFile(path, 'r');
  try {
    const sizeBytes = (await statFile(fd)).size;
    if (sizeBytes < HEADER_BYTES + FOOTER_BYTES) throw corruptSegment(`file is ${sizeBytes} bytes, too short for a segment (truncated?)`);
    decodeHeader(readExactly(fd, 0, HEADER_BYTES, 'header'));
    const footer = decodeFooter(readExactly(fd, sizeBytes - FOOTER_BYTES, FOOTER_BYTES, 'footer'), sizeBytes);
    const metadataBytes = readExactly(fd, footer.metadataOffset, footer.metadataLength, 'metadata');
    if (crc32c(metadataBytes) !== footer.metadataCrc32c) throw corruptSegment('metadata: CRC32C mismatch');
    const metadata = parseMetadata(metadataBytes, HEADER_BYTES, footer.metadataOffset);
    return new SegmentFile(fd, path, sizeBytes, metadata);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

export class SegmentFile implements DecodedColumnCache {
  /** Druid segment id. */
  readonly id: string;
  readonly info: SegmentInfo;
  /** Number of rows; row ids are 0 .. rowCount-1. */
  readonly rowCount: number;
  private readonly descriptors = new Map<string, ColumnDescriptor>();
  private readonly names: readonly string[];
  private readonly columns = new Map<string, Column>();
  private timeValues: Float64Array | null = null;
  private fd: number | null;

  constructor(
    fd: number,
    /** The file this segment was opened from. */
    readonly path: string,
    /** Size of the whole file in bytes. */
    readonly sizeBytes: number,
    /** The parsed metadata block (section locations included), for the verifier and inspector. */
    readonly metadata: SegmentFileMetadata,
  ) {
    this.fd = fd;
    this.info = metadata.info;
    this.rowCount = metadata.info.rowCount;
    this.id = segmentIdOf(metadata.info);
    for (const column of metadata.columns) this.descriptors.set(column.name, column);
    this.names = Object.freeze(metadata.columns.map((column) => column.name));
  }

  /** __time per row in ms since the epoch, non-decreasing. Read on first call, then cached. */
  time(): Float64Array {
    if (this.timeValues === null) {
      const stored = this.readSection(this.metadata.time, 'section __time');
      const raw = decompressBlocks(stored, 'section __time');
      this.timeValues = decodeTime(raw, this.info.interval.startMs, this.rowCount, 'section __time');
    }
    return this.timeValues;
  }

  /** Column names other than __time: dimensions in schema order, then metrics. */
  columnNames(): readonly string[] {
    return this.names;
  }

  /** The column's type without loading it; undefined if there is no such column. */
  columnType(name: string): ColumnType | undefined {
    const descriptor = this.descriptors.get(name);
    return descriptor === undefined ? undefined : columnTypeOfEncoding(descriptor.encoding);
  }

  /** True if the string column holds more than one value in some row (from the stats, no loading). */
  isMultiValue(name: string): boolean {
    return this.descriptors.get(name)?.stats.multiValue ?? false;
  }

  /** The column, read and decoded on first use, then cached; undefined if there is no such column. */
  column(name: string): Column | undefined {
    const cached = this.columns.get(name);
    if (cached !== undefined) {
      columnUsed(this, name);
      return cached;
    }
    const descriptor = this.descriptors.get(name);
    if (descriptor === undefined) return undefined;
    const column = withSharedArrays(decodeColumn(descriptor, this.sectionSource(descriptor), this.rowCount));
    if (columnTypeOf(column) !== descriptor.stats.type) throw corruptSegment(`column ${name}: decoded type does not match its stats`);
    this.columns.set(name, column);
    // Only while the file is open can an evicted column be decoded again.
    if (this.fd !== null) columnDecoded(this, name, column);
    return column;
  }

  /** Drops a decoded column from this file's cache (the process-wide budget calls this). */
  evictColumn(name: string): void {
    this.columns.delete(name);
  }

  /** The writer's statistics for the column; undefined if there is no such column. */
  columnStats(name: string): ColumnStats | undefined {
    return this.descriptors.get(name)?.stats;
  }

  /**
   * Reads one section's stored bytes and checks its CRC32C; throws corrupt_segment naming `label`.
   * Throws if the segment was closed.
   */
  readSection(section: SectionDescriptor, label: string): Uint8Array {
    if (this.fd === null) throw new Error(`segment ${this.id} is closed; cannot read ${label}`);
    const bytes = readExactly(this.fd, section.offset, section.length, label);
    if (crc32c(bytes) !== section.crc32c) throw corruptSegment(`${label}: CRC32C mismatch`);
    return bytes;
  }

  /** Closes the file. Columns already loaded stay usable; loading anything else (bitmaps included) throws. */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    cacheClosed(this);
  }

  private sectionSource(descriptor: ColumnDescriptor): SectionSource {
    const label = (sectionName: string): string => `column ${descriptor.name} section ${sectionName}`;
    return {
      columnName: descriptor.name,
      has: (sectionName) => descriptor.sections[sectionName] !== undefined,
      label,
      read: (sectionName) => {
        const section = descriptor.sections[sectionName];
        if (section === undefined) throw corruptSegment(`${label(sectionName)}: missing`);
        return this.readSection(section, label(sectionName));
      },
    };
  }
}

/**
 * Query workers read decoded columns in place (query/parallel), so every typed array of a column is
 * backed by a SharedArrayBuffer. The decoders allocate ids, values and __time that way; multi-value
 * offsets are a view of the decompressed section, so they are copied once here.
 */
function withSharedArrays(column: Column): Column {
  if (column.kind !== 'string' || !column.multiValue || column.offsets.buffer instanceof SharedArrayBuffer) return column;
  const offsets = new Uint32Array(new SharedArrayBuffer(column.offsets.byteLength));
  offsets.set(column.offsets);
  return { ...column, offsets };
}

/** Reads exactly `length` bytes at `position`; a short read means the file is truncated. */
function readExactly(fd: number, position: number, length: number, label: string): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw corruptSegment(`${label}: file ends after ${done} of ${length} bytes (truncated?)`);
    done += read;
  }
  return buffer;
}
