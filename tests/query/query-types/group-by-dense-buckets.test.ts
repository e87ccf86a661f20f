import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { randomSource, START_MS, DAY_MS } from './random-data.js';

const HOUR_MS = 3_600_000;

// Enough rows to span several 65,536-row batches, so bucket walking must carry across batches, over
// contiguous ranges (no filter, one interval) and explicit rows (a filter, or several intervals).
describe('groupBy dense (bucket × dimension) aggregation', () => {
  const random = randomSource(97);
  const rows = Array.from({ length: 150_000 }, () => ({
    __time: START_MS + Math.floor(random() * DAY_MS),
    host: `h${Math.floor(random() * 40)}`,
    value: random() < 0.1 ? null : Math.floor(random() * 100),
  }));
  const segment = segmentFromRows(
    { dataSource: 'dense', interval: { startMs: START_MS, endMs: START_MS + DAY_MS }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: ['host'], metrics: [] },
    [
      { name: 'host', kind: 'string' },
      { name: 'value', kind: 'long' },
    ],
    rows,
  );

  // Several first/last aggregators on __time share one fold (foldingAccumulators); each must still
  // read its own column, and ties in __time go to the later row for last, the earlier for first.
  const inTimeOrder = rows.map((row, index) => ({ row, index })).sort((left, right) => left.row.__time - right.row.__time || left.index - right.index).map(({ row }) => row);

  interface Group {
    count: number;
    sum: number | null;
    max: number | null;
    min: number | null;
    first: number | null;
    last: number | null;
    lastHost: string | null;
    lastTime: number;
  }

  function reference(intervals: readonly [number, number][], host: string | null): string[] {
    const groups = new Map<string, Group>();
    for (const row of inTimeOrder) {
      if (!intervals.some(([startMs, endMs]) => row.__time >= startMs && row.__time < endMs)) continue;
      if (host !== null && row.host !== host) continue;
      const key = `${new Date(row.__time - (row.__time % HOUR_MS)).toISOString()}|${row.host}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { count: 0, sum: null, max: null, min: null, first: row.value, last: null, lastHost: null, lastTime: 0 };
        groups.set(key, group);
      }
      group.count++;
      if (row.value !== null) {
        group.sum = (group.sum ?? 0) + row.value;
        group.max = Math.max(group.max ?? Number.NEGATIVE_INFINITY, row.value);
        group.min = Math.min(group.min ?? Number.POSITIVE_INFINITY, row.value);
      }
      group.last = row.value;
      group.lastHost = row.host;
      group.lastTime = row.__time;
    }
    return [...groups].map(([key, group]) => `${key}|${Object.values(group).join('|')}`).sort();
  }

  function actual(intervals: readonly [number, number][], host: string | null): string[] {
    const query = parseQuery({
      queryType: 'groupBy',
      dataSource: 'dense',
      intervals: intervals.map(([startMs, endMs]) => `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`),
      granularity: 'hour',
      dimensions: ['host'],
      filter: host === null ? undefined : { type: 'selector', dimension: 'host', value: host },
      aggregations: [
        { type: 'count', name: 'rows' },
        { type: 'longSum', name: 'sum', fieldName: 'value' },
        { type: 'longMax', name: 'max', fieldName: 'value' },
        { type: 'longMin', name: 'min', fieldName: 'value' },
        { type: 'longFirst', name: 'first', fieldName: 'value' },
        { type: 'longLast', name: 'last', fieldName: 'value' },
        { type: 'stringLast', name: 'lastHost', fieldName: 'host' },
        { type: 'longMax', name: 'lastTime', fieldName: '__time' },
      ],
    });
    const slices = [{ segment, intervals: intervals.map(([startMs, endMs]) => ({ startMs, endMs })) }];
    const result = runQuery(query, slices) as { timestamp: string; event: Record<string, unknown> }[];
    const names = ['rows', 'sum', 'max', 'min', 'first', 'last', 'lastHost', 'lastTime'];
    return result.map((row) => `${row.timestamp}|${row.event['host']}|${names.map((name) => row.event[name]).join('|')}`).sort();
  }

  it('matches a reference over one contiguous range', () => {
    const intervals: [number, number][] = [[START_MS + 5 * HOUR_MS + 1234, START_MS + 17 * HOUR_MS - 99]];
    assert.deepEqual(actual(intervals, null), reference(intervals, null));
  });

  it('matches a reference over several intervals and with a filter', () => {
    const intervals: [number, number][] = [
      [START_MS + HOUR_MS / 2, START_MS + 3 * HOUR_MS],
      [START_MS + 9 * HOUR_MS + 7, START_MS + 20 * HOUR_MS],
    ];
    assert.deepEqual(actual(intervals, null), reference(intervals, null));
    assert.deepEqual(actual([[START_MS, START_MS + DAY_MS]], 'h7'), reference([[START_MS, START_MS + DAY_MS]], 'h7'));
  });
});
