// Druid's query datasource: an outer query over an inner query's results, checked against sums and
// distinct counts computed directly from the rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryService } from '../../../broker/query-service.js';
import { Timeline } from '../../../broker/timeline.js';
import { SedimentError } from '../../../cluster/errors.js';
const isoOf = (ms: number): string => new Date(ms).toISOString();
import { segmentRecord } from '../../cluster/segment-record-fixture.js';
import { DAY_MS, randomSegments, randomSource, START_MS } from '../query-types/random-data.js';

const segments = randomSegments(randomSource(7), 3, 400, false);
const rows = segments.flatMap((segment) => segment.rows);
const interval = `${isoOf(START_MS)}/${isoOf(START_MS + 3 * DAY_MS)}`;

function service(): QueryService {
  const timeline = new Timeline();
  const byId = new Map(segments.map(({ slice }) => [slice.segment.id, slice.segment]));
  for (const { slice } of segments) {
    const { info } = slice.segment;
    timeline.add({ ...segmentRecord({ dataSource: 'wiki', startMs: info.interval.startMs, endMs: info.interval.endMs, version: info.version }), info });
  }
  return new QueryService(timeline, (id) => byId.get(id), { maxConcurrentQueries: 4 });
}

const innerByPageAndCountry = {
  queryType: 'groupBy',
  dataSource: 'wiki',
  intervals: [interval],
  granularity: 'day',
  dimensions: ['page', 'country'],
  aggregations: [
    { type: 'count', name: 'rows' },
    { type: 'longSum', name: 'added', fieldName: 'added' },
  ],
};

function errorWith(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof SedimentError && error.code === code && pattern.test(error.message);
}

describe('query datasource', () => {
  it('counts distinct values exactly: timeseries count over a groupBy (Druid SQL COUNT(DISTINCT))', async () => {
    const query = {
      queryType: 'timeseries',
      dataSource: { type: 'query', query: { ...innerByPageAndCountry, dimensions: ['page'], aggregations: [] } },
      intervals: [interval],
      granularity: 'day',
      aggregations: [{ type: 'count', name: 'distinct_pages' }],
    };
    const expected = [0, 1, 2].map((day) => {
      const startMs = START_MS + day * DAY_MS;
      const pages = new Set(rows.filter((row) => Number(row['__time']) >= startMs && Number(row['__time']) < startMs + DAY_MS).map((row) => row['page'] ?? null));
      return { timestamp: isoOf(startMs), result: { distinct_pages: pages.size } };
    });
    const sediment = service();
    assert.deepEqual(sediment.execute(query).results, expected);
    assert.deepEqual((await sediment.executeAsync(query)).results, expected);
  });

  it('groups the groups: outer groupBy sums, maxes and filters on the inner metrics', () => {
    const query = {
      queryType: 'groupBy',
      dataSource: { type: 'query', query: innerByPageAndCountry },
      intervals: [interval],
      granularity: 'all',
      dimensions: ['page'],
      filter: { type: 'range', column: 'rows', matchValueType: 'LONG', lower: 2 },
      aggregations: [
        { type: 'longSum', name: 'added', fieldName: 'added' },
        { type: 'longMax', name: 'most_rows', fieldName: 'rows' },
        { type: 'count', name: 'groups' },
      ],
      limitSpec: { type: 'default', columns: [{ dimension: 'added', direction: 'descending', dimensionOrder: 'numeric' }] },
    };
    // The inner groups, from the rows; the outer groupBy over those with at least 2 rows.
    const inner = new Map<string, { page: unknown; rows: number; added: number | null }>();
    for (const row of rows) {
      const day = Math.floor((Number(row['__time']) - START_MS) / DAY_MS);
      const key = JSON.stringify([day, row['page'] ?? null, row['country'] ?? null]);
      const group = inner.get(key) ?? { page: row['page'] ?? null, rows: 0, added: null };
      group.rows++;
      if (row['added'] !== null && row['added'] !== undefined) group.added = (group.added ?? 0) + Number(row['added']);
      inner.set(key, group);
    }
    const outer = new Map<unknown, { added: number | null; most_rows: number; groups: number }>();
    for (const group of inner.values()) {
      if (group.rows < 2) continue;
      const entry = outer.get(group.page) ?? { added: null, most_rows: Number.NEGATIVE_INFINITY, groups: 0 };
      if (group.added !== null) entry.added = (entry.added ?? 0) + group.added;
      entry.most_rows = Math.max(entry.most_rows, group.rows);
      entry.groups++;
      outer.set(group.page, entry);
    }
    const expected = [...outer]
      .map(([page, entry]) => ({ page, ...entry }))
      .sort((left, right) => (right.added ?? Number.NEGATIVE_INFINITY) - (left.added ?? Number.NEGATIVE_INFINITY));
    const results = service().execute(query).results as { timestamp: string; event: Record<string, unknown> }[];
    assert.ok(expected.length >= 3, 'the data gives several outer groups');
    assert.deepEqual(
      results.map((row) => row.event),
      expected,
    );
    assert.ok(results.every((row) => row.timestamp === isoOf(START_MS)));
  });

  it("reads only the outer query's intervals of the inner rows, and a topN can be the inner query", () => {
    const query = {
      queryType: 'timeseries',
      dataSource: {
        type: 'query',
        query: { queryType: 'topN', dataSource: 'wiki', intervals: [interval], granularity: 'day', dimension: 'page', metric: 'rows', threshold: 3, aggregations: [{ type: 'count', name: 'rows' }] },
      },
      intervals: [`${isoOf(START_MS + DAY_MS)}/${isoOf(START_MS + 3 * DAY_MS)}`],
      granularity: 'all',
      aggregations: [
        { type: 'count', name: 'entries' },
        { type: 'longSum', name: 'top_rows', fieldName: 'rows' },
      ],
    };
    const topRowsOfDay = (day: number): number => {
      const counts = new Map<unknown, number>();
      for (const row of rows) {
        if (Math.floor((Number(row['__time']) - START_MS) / DAY_MS) === day) counts.set(row['page'] ?? null, (counts.get(row['page'] ?? null) ?? 0) + 1);
      }
      return [...counts.values()].sort((left, right) => right - left).slice(0, 3).reduce((sum, count) => sum + count, 0);
    };
    assert.deepEqual(service().execute(query).results, [
      { timestamp: isoOf(START_MS + DAY_MS), result: { entries: 6, top_rows: topRowsOfDay(1) + topRowsOfDay(2) } },
    ]);
  });

  it("keeps the inner groupBy's having, limit and post-aggregators", async () => {
    const inner = {
      ...innerByPageAndCountry,
      granularity: 'all',
      postAggregations: [{ type: 'arithmetic', name: 'twice', fn: '*', fields: [{ type: 'fieldAccess', fieldName: 'rows' }, { type: 'constant', value: 2 }] }],
    };
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = JSON.stringify([row['page'] ?? null, row['country'] ?? null]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((left, right) => right - left);
    const outer = (innerQuery: unknown): unknown => ({
      queryType: 'timeseries',
      dataSource: { type: 'query', query: innerQuery },
      intervals: [interval],
      granularity: 'all',
      aggregations: [
        { type: 'count', name: 'groups' },
        { type: 'doubleSum', name: 'twice', fieldName: 'twice' },
        { type: 'longMin', name: 'fewest', fieldName: 'rows' },
      ],
    });
    const sediment = service();
    const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
    assert.deepEqual(sediment.execute(outer(inner)).results, [
      { timestamp: isoOf(START_MS), result: { groups: sorted.length, twice: 2 * sum(sorted), fewest: sorted.at(-1) } },
    ]);
    const limited = {
      ...inner,
      having: { type: 'greaterThan', aggregation: 'rows', value: 1 },
      limitSpec: { type: 'default', limit: 4, columns: [{ dimension: 'rows', direction: 'descending', dimensionOrder: 'numeric' }] },
    };
    const top = sorted.filter((count) => count > 1).slice(0, 4);
    const expected = [{ timestamp: isoOf(START_MS), result: { groups: 4, twice: 2 * sum(top), fewest: top.at(-1) } }];
    assert.deepEqual(sediment.execute(outer(limited)).results, expected);
    assert.deepEqual((await sediment.executeAsync(outer(limited))).results, expected);
  });

  it('nests twice', () => {
    const middle = { queryType: 'groupBy', dataSource: { type: 'query', query: innerByPageAndCountry }, intervals: [interval], granularity: 'all', dimensions: ['page'], aggregations: [] };
    const query = { queryType: 'timeseries', dataSource: { type: 'query', query: middle }, intervals: [interval], granularity: 'all', aggregations: [{ type: 'count', name: 'pages' }] };
    const pages = new Set(rows.map((row) => row['page'] ?? null));
    assert.deepEqual(service().execute(query).results, [{ timestamp: isoOf(START_MS), result: { pages: pages.size } }]);
  });

  it('rejects bad subqueries with an error naming the field, and bounds the materialized rows', async () => {
    const sediment = service();
    const outer = { queryType: 'timeseries', intervals: [interval], granularity: 'all', aggregations: [{ type: 'count', name: 'n' }] };
    assert.throws(
      () => sediment.execute({ ...outer, dataSource: { type: 'query', query: { ...innerByPageAndCountry, aggregations: [{ type: 'longSum', name: 'x' }] } } }),
      errorWith('invalid_input', /^dataSource\.query\.aggregations\[0\]\.fieldName/),
    );
    assert.throws(() => sediment.execute({ ...outer, dataSource: { type: 'query' } }), errorWith('invalid_input', /^dataSource\.query: /));
    assert.throws(
      () => sediment.execute({ ...outer, dataSource: { type: 'query', query: { queryType: 'scan', dataSource: 'wiki', intervals: [interval] } } }),
      errorWith('unsupported', /scan query cannot be a subquery/),
    );
    assert.throws(
      () => sediment.execute({ queryType: 'timeBoundary', dataSource: { type: 'query', query: innerByPageAndCountry } }),
      errorWith('unsupported', /cannot feed a timeBoundary query/),
    );
    const limited = { ...outer, dataSource: { type: 'query', query: innerByPageAndCountry }, context: { maxSubqueryRows: 5 } };
    assert.throws(() => sediment.execute(limited), errorWith('resource_limit', /beyond maximum\[5\]/));
    await assert.rejects(sediment.executeAsync(limited), errorWith('resource_limit', /maxSubqueryRows/));
    assert.throws(
      () => sediment.execute({ ...outer, dataSource: { type: 'query', query: { ...innerByPageAndCountry, dataSource: 'nope' } } }),
      errorWith('not_found', /nope/),
    );
  });
});
