// Writes one immutable segment file: header, the __time section, each column's sections in column
// order, the metadata block, the footer. Sections stream to a temporary file one column at a time;
// the file appears at its final path only complete and fsynced (write .tmp, fsync, rename).
// writeEncodedSegment takes columns another thread encoded (encodeColumn is deterministic, so the
// file is byte for byte writeSegment's) and writes each as soon as it and those before it are ready.
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ColumnData } from './columns.js';
import type { EncodedColumn } from './encoded-column.js';
import { compressBlocks } from './block-compression.js';
import { crc32c } from './crc32c.js';
import { encodeColumn } from './column-encoder.js';
import { encodeFooter, encodeHeader, HEADER_BYTES } from './segment-file-layout.js';
import { encodeMetadata, parseMetadata, type ColumnDescriptor, type SectionDescriptor } from './segment-file-metadata.js';
import { invalidSegmentInput, SegmentFormatError } from './segment-format-error.js';
import type { SegmentInfo } from './segment-metadata.js';
import { encodeTime } from './time-codec.js';

// The largest |ms| a JavaScript Date can hold; segment ids print the interval as ISO-8601.
const MAX_DATE_MS = 8.64e15;

export async function writeSegment(
  path: string,
  info: SegmentInfo,
  time: Float64Array,
  columns: ReadonlyMap<string, ColumnData>,
): Promise<{ sizeBytes: number }> {
  checkInput(info, time, columns.keys());
  const encoded = [...columns].map(([name, data]) => ({ name, encoded: () => encodeColumn(name, data, info.rowCount) }));
  return writeFile(path, info, time, encoded);
}

/** A column of writeEncodedSegment, in file order. */
export interface PendingColumn {
  readonly name: string;
  /** What encodeColumn(name, data, info.rowCount) returns (or throws) for the column's data. */
  readonly encoded: Promise<EncodedColumn>;
}

/**
 * writeSegment with each column already being encoded elsewhere: the file is byte for byte the one
 * writeSegment writes for the same data. Every pending column is awaited (a rejection fails the write).
 */
export async function writeEncodedSegment(path: string, info: SegmentInfo, time: Float64Array, columns: readonly PendingColumn[]): Promise<{ sizeBytes: number }> {
  // A column that fails while an earlier one is awaited must not surface as an unhandled rejection.
  for (const column of columns) column.encoded.catch(() => undefined);
  checkInput(info, time, columns.map((column) => column.name));
  return writeFile(path, info, time, columns.map(({ name, encoded }) => ({ name, encoded: () => encoded })));
}

interface ColumnToWrite {
  readonly name: string;
  readonly encoded: () => EncodedColumn | Promise<EncodedColumn>;
}

async function writeFile(path: string, info: SegmentInfo, time: Float64Array, columns: readonly ColumnToWrite[]): Promise<{ sizeBytes: number }> {
  const temporaryPath = `${path}.tmp`;
  const handle = await open(temporaryPath, 'w');
  let sizeBytes: number;
  try {
    sizeBytes = await writeSections(new SectionSink(handle), info, time, columns);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temporaryPath, path);
  await syncDirectory(dirname(path));
  return { sizeBytes };
}

async function writeSections(sink: SectionSink, info: SegmentInfo, time: Float64Array, columns: readonly ColumnToWrite[]): Promise<number> {
  await sink.append(encodeHeader());
  const timeSection = await sink.appendSection(compressBlocks(encodeTime(time, info.interval)));
  const descriptors: ColumnDescriptor[] = [];
  for (const column of columns) {
    const encoded = await column.encoded();
    const sections: Record<string, SectionDescriptor> = {};
    let sizeBytes = 0;
    for (const [sectionName, bytes] of encoded.sections) {
      sections[sectionName] = await sink.appendSection(bytes);
      sizeBytes += bytes.length;
    }
    descriptors.push({ name: column.name, encoding: encoded.encoding, idWidthBytes: encoded.idWidthBytes, stats: { ...encoded.stats, sizeBytes }, sections });
  }
  const metadata = encodeMetadata({ info: plainInfo(info), time: timeSection, columns: descriptors });
  const metadataOffset = sink.position;
  checkReadable(metadata, metadataOffset);
  await sink.append(metadata);
  await sink.append(encodeFooter({ metadataOffset, metadataLength: metadata.length, metadataCrc32c: crc32c(metadata) }));
  return sink.position;
}

/** Appends bytes at the end of the file being written, tracking the offset. */
class SectionSink {
  position = 0;

  constructor(private readonly handle: FileHandle) {}

  async append(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const result = await this.handle.write(bytes, written, bytes.length - written, this.position + written);
      written += result.bytesWritten;
    }
    this.position += bytes.length;
  }

  async appendSection(bytes: Uint8Array): Promise<SectionDescriptor> {
    const offset = this.position;
    await this.append(bytes);
    return { offset, length: bytes.length, crc32c: crc32c(bytes) };
  }
}

/** The reader's validation of the metadata block, run on write so a bad SegmentInfo never reaches disk. */
function checkReadable(metadata: Uint8Array, metadataOffset: number): void {
  try {
    parseMetadata(metadata, HEADER_BYTES, metadataOffset);
  } catch (error) {
    if (error instanceof SegmentFormatError) throw invalidSegmentInput(`the metadata block would not be readable: ${error.message}`);
    throw error;
  }
}

function checkInput(info: SegmentInfo, time: Float64Array, columnNames: Iterable<string>): void {
  if (!(time instanceof Float64Array)) throw invalidSegmentInput('__time must be a Float64Array');
  if (info.rowCount !== time.length) throw invalidSegmentInput(`info.rowCount is ${info.rowCount} but __time has ${time.length} rows`);
  const { startMs, endMs } = info.interval;
  if (!isDateMs(startMs) || !isDateMs(endMs) || startMs > endMs) {
    throw invalidSegmentInput(`info.interval [${startMs}, ${endMs}) must be integral ms within the Date range, start <= end`);
  }
  if (!Number.isSafeInteger(info.partition) || info.partition < 0) throw invalidSegmentInput('info.partition must be a non-negative integer');
  for (const name of columnNames) {
    if (typeof name !== 'string' || name === '__time') throw invalidSegmentInput(`column name ${JSON.stringify(name)} is not allowed`);
  }
}

function isDateMs(value: number): boolean {
  return Number.isSafeInteger(value) && Math.abs(value) <= MAX_DATE_MS;
}

/** SegmentInfo as plain JSON fields, so a caller's extra properties do not leak into the file. */
function plainInfo(info: SegmentInfo): SegmentInfo {
  return {
    dataSource: info.dataSource,
    interval: { startMs: info.interval.startMs, endMs: info.interval.endMs },
    version: info.version,
    partition: info.partition,
    rowCount: info.rowCount,
    rollup: info.rollup,
    queryGranularity: info.queryGranularity ?? null,
    dimensions: [...info.dimensions],
    metrics: info.metrics.map((metric) => ({ name: metric.name, aggregator: metric.aggregator })),
  };
}

// Makes the rename durable; some platforms cannot fsync a directory, which only weakens durability.
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
