// Several sums over ranges of rows fold in one pass (query/aggregators/dense-sums.ts, four at a time,
// then three, two or one). Each must still read its own column into its own group sums, and a group
// must still be null for a sum that saw no row of it, whatever the mix of fused and unfused sums.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { DAY_MS, randomSource, START_MS } from './random-data.js';

const HOUR_MS = 3_600_000;
/** Columns m0..m9: longs, doubles (quarters, so sums are exact in any order), and m9 with nulls (not fused). */
const METRICS = Array.from({ length: 10 }, (_, index) => `m${index}`);

describe('groupBy with several sums folded together', () => {
  const random = randomSource(4242);
  const rows = Array.from({ length: 140_000 }, () => {
    const row: Record<string, unknown> = { __time: START_MS + Math.floor(random() * DAY_MS), host: `h${Math.floor(random() * 30)}` };
    METRICS.forEach((name, index) => {
      if (index === 9) row[name] = random() < 0.2 ? null : Math.floor(random() * 1000);
      else row[name] = index % 3 === 2 ? Math.round((random() * 200 - 50) * 4) / 4 : Math.floor(random() * 2000) - 500 + index * 1_000_000;
    });
    return row;
  });
  const segment = segmentFromRows(
    { dataSource: 'sums', interval: { startMs: START_MS, endMs: START_MS + DAY_MS }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: ['host'], metrics: [] },
    [{ name: 'host', kind: 'string' }, ...METRICS.map((name, index) => ({ name, kind: index % 3 === 2 ? ('double' as const) : ('long' as const) }))],
    rows as never,
  );

  function typeOf(name: string): 'longSum' | 'doubleSum' {
    return Number(name.slice(1)) % 3 === 2 ? 'doubleSum' : 'longSum';
  }

  function reference(startMs: number, endMs: number, names: readonly string[]): string[] {
    const groups = new Map<string, (number | null)[]>();
    for (const row of rows) {
      const time = row['__time'] as number;
      if (time < startMs || time >= endMs) continue;
      const key = `${new Date(time - (time % HOUR_MS)).toISOString()}|${row['host']}`;
      let sums = groups.get(key);
      if (sums === undefined) groups.set(key, (sums = [0, ...names.map(() => null)]));
      sums[0]!++;
      names.forEach((name, index) => {
        const value = row[name] as number | null | undefined;
        if (value !== null && value !== undefined) sums[index + 1] = (sums[index + 1] ?? 0) + value;
      });
    }
    return [...groups].map(([key, sums]) => `${key}|${sums.join('|')}`).sort();
  }

  function actual(startMs: number, endMs: number, names: readonly string[]): string[] {
    const query = parseQuery({
      queryType: 'groupBy',
      dataSource: 'sums',
      intervals: [`${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`],
      granularity: 'hour',
      dimensions: ['host'],
      aggregations: [{ type: 'count', name: 'rows' }, ...names.map((name, index) => ({ type: typeOf(name), name: `s${index}`, fieldName: name }))],
    });
    const result = runQuery(query, [{ segment, intervals: [{ startMs, endMs }] }]) as { timestamp: string; event: Record<string, unknown> }[];
    return result.map((row) => `${row.timestamp}|${row.event['host']}|${['rows', ...names.map((_, index) => `s${index}`)].map((name) => row.event[name]).join('|')}`).sort();
  }

  // Counts of fused sums around every kernel width, with the nullable m9 and a missing column in between.
  const cases: readonly (readonly string[])[] = [
    ['m0', 'm1'],
    ['m0', 'm2', 'm3'],
    ['m1', 'm2', 'm3', 'm4'],
    ['m0', 'm1', 'm9', 'm2', 'm3', 'm4'],
    ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'],
    [...METRICS, 'absent', 'm0'],
  ];
  for (const names of cases) {
    it(`matches a reference with sums of ${names.join(', ')}`, () => {
      const startMs = START_MS + 3 * HOUR_MS + 4321;
      const endMs = START_MS + 21 * HOUR_MS - 17;
      assert.deepEqual(actual(startMs, endMs, names), reference(startMs, endMs, names));
    });
  }
});
