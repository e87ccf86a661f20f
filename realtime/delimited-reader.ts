// CSV and TSV via csv-parse. Empty fields are null (Druid's SQL-compatible behaviour); a field holding
// the list delimiter becomes a multi-value array. Extra values past the known columns are ignored and
// missing trailing values are absent, as in Druid.
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { DelimitedFormatSpec, InputRecord } from './input-format.js';
import { excerpt } from './json-reader.js';

function fieldValue(text: string, listDelimiter: string): unknown {
  if (text === '') return null;
  if (!text.includes(listDelimiter)) return text;
  return text.split(listDelimiter).map((part) => (part === '' ? null : part));
}

const batchSize = 1000;

export async function* readDelimitedRecords(stream: Readable, format: DelimitedFormatSpec): AsyncGenerator<InputRecord[]> {
  const parser = parse({
    delimiter: format.delimiter,
    quote: format.type === 'csv' ? '"' : false,
    relax_column_count: true,
    // A stray quote inside a field is kept literally rather than failing (and desynchronising) the rest of the file.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    from_line: format.skipHeaderRows + 1,
    bom: true,
    info: true,
  });
  const skipped: InputRecord[] = [];
  parser.on('skip', (error: Error & { lines?: number }) => {
    skipped.push({ fields: null, line: error.lines ?? parser.info.lines, error: `Unable to parse row: ${excerpt(error.message)}` });
  });
  stream.on('error', (error) => parser.destroy(error));
  stream.pipe(parser);
  let columns = format.columns;
  let batch: InputRecord[] = [];
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (skipped.length > 0) batch.push(...skipped.splice(0));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
    const { record, info } = item;
    if (columns === null) {
      columns = record;
      continue;
    }
    const fields: Record<string, unknown> = {};
    const count = Math.min(columns.length, record.length);
    for (let index = 0; index < count; index++) fields[columns[index]!] = fieldValue(record[index]!, format.listDelimiter);
    batch.push({ fields, line: info.lines, error: null });
  }
  batch.push(...skipped);
  if (batch.length > 0) yield batch;
}
