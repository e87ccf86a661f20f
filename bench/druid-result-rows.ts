// Flattens a Druid native response into rows named like the SQL columns, so one comparison serves
// every query type. Timestamps become epoch ms under `__time`.
import type { ResultRow } from './duckdb-protocol.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function timestampMs(value: unknown): unknown {
  if (typeof value === 'string') return Date.parse(value);
  return value ?? null;
}

function expectArray(response: unknown, queryType: string): unknown[] {
  if (!Array.isArray(response)) throw new Error(`a ${queryType} response must be a JSON array, got ${JSON.stringify(response).slice(0, 200)}`);
  return response;
}

function timeseriesRows(response: unknown): ResultRow[] {
  return expectArray(response, 'timeseries').map((item) => {
    const entry = isObject(item) ? item : {};
    return { __time: timestampMs(entry['timestamp']), ...(isObject(entry['result']) ? entry['result'] : {}) };
  });
}

function topNRows(response: unknown): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const item of expectArray(response, 'topN')) {
    const entry = isObject(item) ? item : {};
    const results = Array.isArray(entry['result']) ? entry['result'] : [];
    for (const result of results) rows.push({ __time: timestampMs(entry['timestamp']), ...(isObject(result) ? result : {}) });
  }
  return rows;
}

function groupByRows(response: unknown): ResultRow[] {
  return expectArray(response, 'groupBy').map((item) => {
    const entry = isObject(item) ? item : {};
    const event = isObject(entry['event']) ? entry['event'] : entry;
    return { ...event, __time: timestampMs(entry['timestamp']) };
  });
}

function scanRows(response: unknown): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const item of expectArray(response, 'scan')) {
    const batch = isObject(item) ? item : {};
    const columns = Array.isArray(batch['columns']) ? (batch['columns'] as string[]) : [];
    const events = Array.isArray(batch['events']) ? batch['events'] : [];
    for (const event of events) {
      if (Array.isArray(event)) {
        const row: ResultRow = {};
        columns.forEach((column, index) => (row[column] = event[index]));
        rows.push(row);
      } else if (isObject(event)) {
        rows.push({ ...event });
      }
    }
  }
  return rows;
}

/** Rows of a native query's response, by the query's `queryType`. */
export function druidResultRows(queryType: string, response: unknown): ResultRow[] {
  switch (queryType) {
    case 'timeseries':
      return timeseriesRows(response);
    case 'topN':
      return topNRows(response);
    case 'groupBy':
      return groupByRows(response);
    case 'scan':
      return scanRows(response);
    default:
      throw new Error(`the harness cannot read ${queryType} responses`);
  }
}
