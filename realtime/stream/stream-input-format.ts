// Input formats for stream records: json, csv and tsv (one message holds one record, or several on
// separate lines), and Druid's `kafka` format, which wraps a value format and adds the record's
// timestamp, topic, key and headers as columns. Decoding never throws: a bad message is reported.
import { parse as parseCsv } from 'csv-parse/sync';
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { parseInputFormat, type DelimitedFormatSpec, type InputFormatSpec } from '../input-format.js';
import { excerpt } from '../json-reader.js';
import { isSpecObject, optionalString, requireObject } from '../spec-fields.js';
import type { StreamRecord } from './record-source.js';

export interface KafkaInputFormat {
  readonly type: 'kafka';
  readonly valueFormat: InputFormatSpec;
  /** Parses the key; its first field becomes `keyColumnName`. Null leaves the key out. */
  readonly keyFormat: InputFormatSpec | null;
  readonly keyColumnName: string;
  readonly timestampColumnName: string;
  readonly topicColumnName: string;
  /** Headers become `headerColumnPrefix + name` (UTF-8 strings) when a headerFormat is given; null leaves them out. */
  readonly headerColumnPrefix: string | null;
}

export type StreamInputFormat = InputFormatSpec | KafkaInputFormat;

function parseStreamValueFormat(json: unknown, path: string): InputFormatSpec {
  const format = parseInputFormat(json, path);
  if (format.type !== 'json' && format.columns === null) {
    throw invalidInput(`${path}.columns`, 'stream records have no header row: list the columns');
  }
  return format;
}

export function parseStreamInputFormat(json: unknown, path: string): StreamInputFormat {
  const object = requireObject(json, path);
  if (object['type'] !== 'kafka') return parseStreamValueFormat(json, path);
  const headerFormat = object['headerFormat'];
  if (headerFormat !== undefined && headerFormat !== null) {
    const headerType = isSpecObject(headerFormat) ? headerFormat['type'] : undefined;
    if (headerType !== 'string') throw new SedimentError('unsupported', `${path}.headerFormat.type: only 'string' header formats are supported`);
  }
  const keyFormat = object['keyFormat'];
  return {
    type: 'kafka',
    valueFormat: parseStreamValueFormat(object['valueFormat'], `${path}.valueFormat`),
    keyFormat: keyFormat === undefined || keyFormat === null ? null : parseStreamValueFormat(keyFormat, `${path}.keyFormat`),
    keyColumnName: optionalString(object, 'keyColumnName', path) ?? 'kafka.key',
    timestampColumnName: optionalString(object, 'timestampColumnName', path) ?? 'kafka.timestamp',
    topicColumnName: optionalString(object, 'topicColumnName', path) ?? 'kafka.topic',
    headerColumnPrefix: headerFormat === undefined || headerFormat === null ? null : (optionalString(object, 'headerColumnPrefix', path) ?? optionalString(object, 'headerLabelPrefix', path) ?? 'kafka.header.'),
  };
}

/** Receives what one message decodes to: zero or more field records, and errors for bad parts. */
export interface DecodedRecordSink {
  row(fields: Record<string, unknown>): void;
  unparseable(message: string): void;
}

function parseJsonObject(text: string, sink: DecodedRecordSink): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    sink.unparseable(`Unable to parse row [${excerpt(text)}]: ${(error as Error).message}`);
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    sink.unparseable(`Unable to parse row [${excerpt(text)}]: expected a JSON object`);
    return false;
  }
  sink.row(parsed as Record<string, unknown>);
  return true;
}

function decodeJson(text: string, sink: DecodedRecordSink): void {
  // Most messages hold exactly one object; only a message with several lines is split.
  if (text.indexOf('\n') < 0 || text.trimEnd().indexOf('\n') < 0) {
    parseJsonObject(text, sink);
    return;
  }
  for (const line of text.split('\n')) if (line.trim() !== '') parseJsonObject(line, sink);
}

function decodeDelimited(text: string, format: DelimitedFormatSpec, sink: DecodedRecordSink): void {
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter: format.delimiter, quote: format.type === 'csv' ? '"' : false, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    sink.unparseable(`Unable to parse row [${excerpt(text)}]: ${(error as Error).message}`);
    return;
  }
  const columns = format.columns!;
  for (const record of records) {
    const fields: Record<string, unknown> = {};
    const count = Math.min(columns.length, record.length);
    for (let index = 0; index < count; index++) {
      const value = record[index]!;
      fields[columns[index]!] = value === '' ? null : value.includes(format.listDelimiter) ? value.split(format.listDelimiter).map((part) => (part === '' ? null : part)) : value;
    }
    sink.row(fields);
  }
}

/** Decodes a payload with a plain (json/csv/tsv) format. */
export function decodePayload(bytes: Buffer, format: InputFormatSpec, sink: DecodedRecordSink): void {
  const text = bytes.toString('utf8');
  if (format.type === 'json') decodeJson(text, sink);
  else decodeDelimited(text, format, sink);
}

/** The first field value of a key decoded with `format`, or null. */
function keyValue(key: Buffer, format: InputFormatSpec): unknown {
  let value: unknown = null;
  let found = false;
  decodePayload(key, format, {
    row(fields) {
      if (found) return;
      found = true;
      for (const name in fields) {
        value = fields[name];
        break;
      }
    },
    unparseable() {},
  });
  return value;
}

/** Adds the Kafka metadata columns of the kafka input format to every decoded row. */
function withKafkaColumns(record: StreamRecord, topic: string, format: KafkaInputFormat, sink: DecodedRecordSink): DecodedRecordSink {
  return {
    row(fields) {
      fields[format.timestampColumnName] = record.timestampMs;
      fields[format.topicColumnName] = topic;
      if (format.keyFormat !== null && record.key !== null) fields[format.keyColumnName] = keyValue(record.key, format.keyFormat);
      if (format.headerColumnPrefix !== null) {
        for (const [name, value] of Object.entries(record.headers)) {
          if (value !== undefined) fields[format.headerColumnPrefix + name] = typeof value === 'string' ? value : value.toString('utf8');
        }
      }
      sink.row(fields);
    },
    unparseable: (message) => sink.unparseable(message),
  };
}

/** Decodes one stream record into rows. A record without a value (a tombstone) is unparseable. */
export function decodeStreamRecord(record: StreamRecord, topic: string, format: StreamInputFormat, sink: DecodedRecordSink): void {
  if (record.value === null) {
    sink.unparseable(`Record at offset ${record.offset} has no value`);
    return;
  }
  if (format.type === 'kafka') decodePayload(record.value, format.valueFormat, withKafkaColumns(record, topic, format, sink));
  else decodePayload(record.value, format, sink);
}
