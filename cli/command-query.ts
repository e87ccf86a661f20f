// `sediment query`: post a native JSON query to a running Sediment and print the result.
import { existsSync, readFileSync } from 'node:fs';
import { invalidInput } from '../cluster/errors.js';
import { httpJson } from './http-json.js';

export async function queryCommand(queryText: string, options: { url: string }): Promise<void> {
  const text = existsSync(queryText) ? readFileSync(queryText, 'utf8') : queryText;
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch (error) {
    throw invalidInput('', `the query is not valid JSON: ${(error as Error).message}`);
  }
  const result = await httpJson('POST', `${options.url}/druid/v2`, query);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
