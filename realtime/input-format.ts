// Druid input formats: newline-delimited `json`, `csv` and `tsv`. A reader turns an entity's bytes
// into records (field name → raw value), one per line or CSV record, or a per-record error; a bad
// record never stops the file.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { invalidInput, SedimentError } from '../cluster/errors.js';
import { readDelimitedRecords } from './delimited-reader.js';
import type { InputEntity } from './input-source.js';
import { readJsonRecords } from './json-reader.js';
import { optionalBoolean, optionalCount, optionalString, optionalStringArray, requireObject, isSpecObject, optionalArray } from './spec-fields.js';

export interface DelimitedFormatSpec {
  readonly type: 'csv' | 'tsv';
  /** Field separator: "," for csv, "\t" (or the spec's delimiter) for tsv. */
  readonly delimiter: string;
  /** Separator inside a field that makes it multi-value (Druid's default is \u0001). */
  readonly listDelimiter: string;
  /** Column names, or null when they come from the header row. */
  readonly columns: readonly string[] | null;
  readonly findColumnsFromHeader: boolean;
  /** Lines skipped at the start of each file (before any header). */
  readonly skipHeaderRows: number;
}

export type InputFormatSpec = { readonly type: 'json' } | DelimitedFormatSpec;

/** One record read from an entity: its fields, or why it could not be read. */
export type InputRecord =
  | { readonly fields: Readonly<Record<string, unknown>>; readonly line: number; readonly error: null }
  | { readonly fields: null; readonly line: number; readonly error: string };

export function parseInputFormat(json: unknown, path: string): InputFormatSpec {
  const object = requireObject(json, path);
  const type = object['type'];
  if (type === 'json') {
    const flatten = object['flattenSpec'];
    if (isSpecObject(flatten) && optionalArray(flatten, 'fields', `${path}.flattenSpec`).length > 0) {
      throw new SedimentError('unsupported', `${path}.flattenSpec: flattening nested JSON is not supported`);
    }
    return { type };
  }
  if (type === 'csv' || type === 'tsv') {
    const columns = optionalStringArray(object, 'columns', path);
    const findColumnsFromHeader = optionalBoolean(object, 'findColumnsFromHeader', path, optionalBoolean(object, 'hasHeaderRow', path, false));
    if (columns.length === 0 && !findColumnsFromHeader) {
      throw invalidInput(`${path}.columns`, "must list the columns unless 'findColumnsFromHeader' is true");
    }
    const delimiter = type === 'csv' ? ',' : (optionalString(object, 'delimiter', path) ?? '\t');
    if (delimiter === '') throw invalidInput(`${path}.delimiter`, 'must not be empty');
    const listDelimiter = optionalString(object, 'listDelimiter', path) ?? '\u0001';
    const skipHeaderRows = optionalCount(object, 'skipHeaderRows', path, 0);
    return { type, delimiter, listDelimiter, columns: columns.length > 0 && !findColumnsFromHeader ? columns : null, findColumnsFromHeader, skipHeaderRows };
  }
  if (typeof type === 'string' && ['parquet', 'orc', 'avro_ocf', 'avro_stream', 'protobuf', 'regex', 'kafka', 'javascript'].includes(type)) {
    throw new SedimentError('unsupported', `${path}.type: input format '${type}' is not supported (use json, csv or tsv)`);
  }
  throw invalidInput(`${path}.type`, `unknown input format '${String(type)}' (expected json, csv or tsv)`);
}

/** The entity's decoded byte stream; `onBytes` sees the stored (compressed) bytes as they are read. */
export function openDecoded(entity: InputEntity, onBytes: (count: number) => void): Readable {
  const raw = entity.open();
  raw.on('data', (chunk: Buffer) => onBytes(chunk.length));
  if (!entity.gzipped) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** Records of one entity in file order, in batches. Stream errors (unreadable file, corrupt gzip) are thrown. */
export function readInputRecords(entity: InputEntity, format: InputFormatSpec, onBytes: (count: number) => void): AsyncIterable<InputRecord[]> {
  const stream = openDecoded(entity, onBytes);
  return format.type === 'json' ? readJsonRecords(stream) : readDelimitedRecords(stream, format);
}
