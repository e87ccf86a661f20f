// Newline-delimited JSON: one object per line; blank lines are skipped. Lines are split by hand from
// decoded chunks and yielded in batches, so the per-record cost is JSON.parse and nothing async.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { InputRecord } from './input-format.js';

const quotedLengthMax = 200;

/** A short excerpt of a bad line for parse-exception messages. */
export function excerpt(text: string): string {
  return text.length <= quotedLengthMax ? text : `${text.slice(0, quotedLengthMax)}…`;
}

/** One line's record: its object, or why it is unparseable. */
export function parseLine(text: string, line: number): InputRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { fields: null, line, error: `Unable to parse row [${excerpt(text)}]: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { fields: null, line, error: `Unable to parse row [${excerpt(text)}]: expected a JSON object` };
  }
  return { fields: parsed as Record<string, unknown>, line, error: null };
}

/** True for a line of only spaces, tabs, CRs and BOMs (skipped, not an error). */
export function isBlank(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 13 && code !== 0xfeff) return false;
  }
  return true;
}

export async function* readJsonRecords(stream: Readable): AsyncGenerator<InputRecord[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const take = (text: string, batch: InputRecord[]): void => {
    line++;
    const content = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (!isBlank(content)) batch.push(parseLine(line === 1 && content.charCodeAt(0) === 0xfeff ? content.slice(1) : content, line));
  };
  for await (const chunk of stream) {
    const text = pending + decoder.write(chunk as Buffer);
    const batch: InputRecord[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      take(text.slice(start, end), batch);
      start = end + 1;
    }
    pending = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  const rest = pending + decoder.end();
  const batch: InputRecord[] = [];
  if (rest !== '') take(rest, batch);
  if (batch.length > 0) yield batch;
}
