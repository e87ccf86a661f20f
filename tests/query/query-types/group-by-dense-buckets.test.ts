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

  function reference(intervals: readonly [number, number][], host: string | null): string[] {
    const groups = new Map<string, { count: number; sum: number | null }>();
    for (const row of rows) {
      if (!intervals.some(([startMs, endMs]) => row.__time >= startMs && row.__time < endMs)) continue;
      if (host !== null && row.host !== host) continue;
      const key = `${new Date(row.__time - (row.__time % HOUR_MS)).toISOString()}|${row.host}`;
      const group = groups.get(key) ?? { count: 0, sum: null };
      group.count++;
      if (row.value !== null) group.sum = (group.sum ?? 0) + row.value;
      groups.set(key, group);
    }
    return [...groups].map(([key, group]) => `${key}|${group.count}|${group.sum}`).sort();
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
      ],
    });
    const slices = [{ segment, intervals: intervals.map(([startMs, endMs]) => ({ startMs, endMs })) }];
    const result = runQuery(query, slices) as { timestamp: string; event: Record<string, unknown> }[];
    return result.map((row) => `${row.timestamp}|${row.event['host']}|${row.event['rows']}|${row.event['sum']}`).sort();
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
