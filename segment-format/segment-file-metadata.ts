// The metadata block: UTF-8 JSON describing the segment (SegmentInfo), each column's stats, and where
// each section lives. It is the only part of the file a reader must parse to open a segment, and it
// is untrusted input on read (CRC-checked, then validated field by field).
import type { ColumnType } from './columns.js';
import type { ColumnStats, SegmentInfo } from './segment-metadata.js';
import { corruptSegment } from './segment-format-error.js';

/** Where one section's stored bytes are. */
export interface SectionDescriptor {
  /** Absolute file offset of the first stored byte. */
  readonly offset: number;
  /** Stored length in bytes. */
  readonly length: number;
  /** CRC-32C of the stored bytes, as an unsigned 32-bit integer. */
  readonly crc32c: number;
}

/** How a column is laid out in sections. */
export type ColumnEncoding = 'string' | 'multiValueString' | 'long' | 'float' | 'double' | 'hyperUnique';

/** Section names per encoding: required ones must be present, optional ones may be. */
export const COLUMN_SECTIONS: Readonly<Record<ColumnEncoding, { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  string: { required: ['dictionary', 'ids'], optional: ['bitmaps'] },
  multiValueString: { required: ['dictionary', 'offsets', 'ids'], optional: ['bitmaps'] },
  long: { required: ['values'], optional: ['nulls'] },
  float: { required: ['values'], optional: ['nulls'] },
  double: { required: ['values'], optional: ['nulls'] },
  hyperUnique: { required: ['offsets', 'bytes'], optional: [] },
};

const TYPE_OF_ENCODING: Readonly<Record<ColumnEncoding, ColumnType>> = {
  string: 'STRING',
  multiValueString: 'STRING',
  long: 'LONG',
  float: 'FLOAT',
  double: 'DOUBLE',
  hyperUnique: 'COMPLEX<hyperUnique>',
};

/** One column's entry in the metadata block. */
export interface ColumnDescriptor {
  readonly name: string;
  readonly encoding: ColumnEncoding;
  /** Width of one dictionary id in bytes (1, 2 or 4) for string encodings; null otherwise. */
  readonly idWidthBytes: 1 | 2 | 4 | null;
  readonly stats: ColumnStats;
  /** Sections by name; which names appear is fixed by COLUMN_SECTIONS[encoding]. */
  readonly sections: Readonly<Record<string, SectionDescriptor>>;
}

/** The whole metadata block. */
export interface SegmentFileMetadata {
  readonly info: SegmentInfo;
  /** The __time section. */
  readonly time: SectionDescriptor;
  /** Columns other than __time in file order: dimensions, then metrics. */
  readonly columns: readonly ColumnDescriptor[];
}

export function columnTypeOfEncoding(encoding: ColumnEncoding): ColumnType {
  return TYPE_OF_ENCODING[encoding];
}

/** JSON has no ±Infinity; numeric min/max that are infinite are written as the strings "Infinity"/"-Infinity". */
export function encodeMetadata(metadata: SegmentFileMetadata): Buffer {
  const json = JSON.stringify(metadata, (key, value: unknown) =>
    (key === 'minValue' || key === 'maxValue') && typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
  return Buffer.from(json, 'utf8');
}

/** Parses and validates a metadata block; sections must lie in [sectionsStart, sectionsEnd). */
export function parseMetadata(bytes: Uint8Array, sectionsStart: number, sectionsEnd: number): SegmentFileMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw corruptSegment(`metadata: not valid JSON (${(error as Error).message})`);
  }
  const root = record(raw, 'metadata');
  const bounds = { start: sectionsStart, end: sectionsEnd };
  const info = parseInfo(root['info'], 'metadata.info');
  const time = parseSection(root['time'], 'metadata.time', bounds);
  const columnsRaw = root['columns'];
  if (!Array.isArray(columnsRaw)) throw corruptSegment('metadata.columns: must be an array');
  const columns = columnsRaw.map((column, index) => parseColumn(column, `metadata.columns[${index}]`, bounds));
  return { info, time, columns };
}

function parseInfo(raw: unknown, path: string): SegmentInfo {
  const info = record(raw, path);
  const interval = record(info['interval'], `${path}.interval`);
  const metrics = info['metrics'];
  if (!Array.isArray(metrics)) throw corruptSegment(`${path}.metrics: must be an array`);
  metrics.forEach((metric, index) => {
    const entry = record(metric, `${path}.metrics[${index}]`);
    text(entry['name'], `${path}.metrics[${index}].name`);
    record(entry['aggregator'], `${path}.metrics[${index}].aggregator`);
  });
  const dimensions = info['dimensions'];
  if (!Array.isArray(dimensions)) throw corruptSegment(`${path}.dimensions: must be an array`);
  dimensions.forEach((dimension, index) => text(dimension, `${path}.dimensions[${index}]`));
  text(info['dataSource'], `${path}.dataSource`);
  text(info['version'], `${path}.version`);
  integer(interval['startMs'], `${path}.interval.startMs`);
  integer(interval['endMs'], `${path}.interval.endMs`);
  count(info['partition'], `${path}.partition`);
  count(info['rowCount'], `${path}.rowCount`);
  if (typeof info['rollup'] !== 'boolean') throw corruptSegment(`${path}.rollup: must be a boolean`);
  return info as unknown as SegmentInfo;
}

function parseColumn(raw: unknown, path: string, bounds: { start: number; end: number }): ColumnDescriptor {
  const column = record(raw, path);
  text(column['name'], `${path}.name`);
  const encoding = column['encoding'];
  if (typeof encoding !== 'string' || !Object.hasOwn(COLUMN_SECTIONS, encoding)) {
    throw corruptSegment(`${path}.encoding: unknown encoding ${JSON.stringify(encoding)}`);
  }
  const layout = COLUMN_SECTIONS[encoding as ColumnEncoding];
  const isString = encoding === 'string' || encoding === 'multiValueString';
  const width = column['idWidthBytes'];
  if (isString ? width !== 1 && width !== 2 && width !== 4 : width !== null) {
    throw corruptSegment(`${path}.idWidthBytes: invalid for encoding ${encoding}`);
  }
  const stats = parseStats(column['stats'], `${path}.stats`, TYPE_OF_ENCODING[encoding as ColumnEncoding]);
  const sectionsRaw = record(column['sections'], `${path}.sections`);
  const sections: Record<string, SectionDescriptor> = {};
  for (const name of Object.keys(sectionsRaw)) {
    if (!layout.required.includes(name) && !layout.optional.includes(name)) throw corruptSegment(`${path}.sections.${name}: unexpected section`);
    sections[name] = parseSection(sectionsRaw[name], `${path}.sections.${name}`, bounds);
  }
  for (const name of layout.required) if (sections[name] === undefined) throw corruptSegment(`${path}.sections.${name}: missing`);
  return { name: column['name'] as string, encoding: encoding as ColumnEncoding, idWidthBytes: width as 1 | 2 | 4 | null, stats, sections };
}

function parseStats(raw: unknown, path: string, type: ColumnType): ColumnStats {
  const stats = record(raw, path);
  if (stats['type'] !== type) throw corruptSegment(`${path}.type: ${JSON.stringify(stats['type'])} does not match the encoding (${type})`);
  if (typeof stats['multiValue'] !== 'boolean') throw corruptSegment(`${path}.multiValue: must be a boolean`);
  if (typeof stats['hasNulls'] !== 'boolean') throw corruptSegment(`${path}.hasNulls: must be a boolean`);
  if (stats['cardinality'] !== null) count(stats['cardinality'], `${path}.cardinality`);
  count(stats['sizeBytes'], `${path}.sizeBytes`);
  const numeric = type === 'LONG' || type === 'FLOAT' || type === 'DOUBLE';
  return {
    ...(stats as unknown as ColumnStats),
    minValue: extreme(stats['minValue'], `${path}.minValue`, numeric),
    maxValue: extreme(stats['maxValue'], `${path}.maxValue`, numeric),
  };
}

function extreme(value: unknown, path: string, numeric: boolean): string | number | null {
  if (value === null) return null;
  if (numeric && value === 'Infinity') return Infinity;
  if (numeric && value === '-Infinity') return -Infinity;
  if (numeric ? typeof value !== 'number' : typeof value !== 'string') throw corruptSegment(`${path}: wrong type`);
  return value as string | number;
}

function parseSection(raw: unknown, path: string, bounds: { start: number; end: number }): SectionDescriptor {
  const section = record(raw, path);
  const offset = count(section['offset'], `${path}.offset`);
  const length = count(section['length'], `${path}.length`);
  const checksum = count(section['crc32c'], `${path}.crc32c`);
  if (offset < bounds.start || offset + length > bounds.end) {
    throw corruptSegment(`${path}: [${offset}, +${length}) lies outside the section area [${bounds.start}, ${bounds.end})`);
  }
  if (checksum > 0xffffffff) throw corruptSegment(`${path}.crc32c: not a 32-bit value`);
  return { offset, length, crc32c: checksum };
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corruptSegment(`${path}: must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw corruptSegment(`${path}: must be a string`);
  return value;
}

function integer(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw corruptSegment(`${path}: must be an integer`);
  return value;
}

function count(value: unknown, path: string): number {
  const number = integer(value, path);
  if (number < 0) throw corruptSegment(`${path}: must not be negative`);
  return number;
}
