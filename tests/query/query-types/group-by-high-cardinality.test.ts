import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { randomSource, START_MS, DAY_MS } from './random-data.js';

// Five dimensions of ~3000 values each: the key space (~2^58) is too large for dense tables and for
// exact mixed-radix keys, so this exercises the hash table and prefix interning paths.
describe('groupBy with high-cardinality dimensions', () => {
  it('groups exactly when dimension keys exceed 2^52 combinations', () => {
    const random = randomSource(81);
    const names = ['d0', 'd1', 'd2', 'd3', 'd4'];
    const segments = [0, 1].map((index) => {
      const rows = Array.from({ length: 3000 }, () => {
        const row: Record<string, unknown> = { __time: START_MS + index * DAY_MS + Math.floor(random() * DAY_MS), value: Math.floor(random() * 10) };
        // Few distinct combinations (so groups repeat) but many distinct values per column.
        const seed = Math.floor(random() * 1500);
        names.forEach((name, position) => (row[name] = position === 0 ? `v${seed}` : `v${Math.floor(random() * 3000)}x${seed % 2}`));
        return row;
      });
      const segment = segmentFromRows(
        { dataSource: 'hc', interval: { startMs: START_MS + index * DAY_MS, endMs: START_MS + (index + 1) * DAY_MS }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: names, metrics: [] },
        [...names.map((name) => ({ name, kind: 'string' as const })), { name: 'value', kind: 'long' as const }],
        rows,
      );
      return { rows, slice: { segment, intervals: [segment.info.interval] } };
    });
    const query = parseQuery({
      queryType: 'groupBy',
      dataSource: 'hc',
      intervals: ['2024-01-29/2024-01-31'],
      granularity: 'all',
      dimensions: names,
      aggregations: [{ type: 'count', name: 'rows' }, { type: 'longSum', name: 'value', fieldName: 'value' }],
    });
    const expected = new Map<string, { rows: number; value: number }>();
    for (const row of segments.flatMap((segment) => segment.rows)) {
      const key = JSON.stringify(names.map((name) => row[name]));
      const entry = expected.get(key) ?? { rows: 0, value: 0 };
      entry.rows++;
      entry.value += row['value'] as number;
      expected.set(key, entry);
    }
    const actual = runQuery(query, segments.map((segment) => segment.slice)) as { event: Record<string, unknown> }[];
    assert.equal(actual.length, expected.size);
    for (const { event } of actual) {
      const entry = expected.get(JSON.stringify(names.map((name) => event[name])));
      assert.deepEqual({ rows: event['rows'], value: event['value'] }, entry);
    }
  });
});
