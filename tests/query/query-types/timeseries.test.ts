import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import { DAY_MS, isoInterval, randomSegments, randomSource, slicesFor, START_MS, type TestSegment } from './random-data.js';
import {
  aggregateAll,
  allTimestamp,
  bucketStart,
  clippedSliceIntervals,
  filterMatches,
  formatTime,
  isAll,
  nextBucket,
  visibleRows,
  withPostAggregations,
  type Json,
} from './reference.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';

const aggregations: Json[] = [
  { type: 'count', name: 'rows' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleSum', name: 'delta', fieldName: 'delta' },
  { type: 'longMax', name: 'maxAdded', fieldName: 'added' },
  { type: 'doubleMin', name: 'minDelta', fieldName: 'delta' },
  { type: 'longSum', name: 'missing', fieldName: 'noSuchColumn' },
];
const postAggregations: Json[] = [
  {
    type: 'arithmetic',
    name: 'addedPerRow',
    fn: '/',
    fields: [
      { type: 'fieldAccess', fieldName: 'added' },
      { type: 'fieldAccess', fieldName: 'rows' },
    ],
  },
];

function referenceTimeseries(query: Json, segments: readonly TestSegment[], slices: readonly SegmentSlice[]): unknown[] {
  const granularity = query['granularity'];
  const context = (query['context'] ?? {}) as Json;
  const rows = visibleRows(segments, slices).filter(({ row }) => filterMatches(query['filter'] as Json | undefined, row));
  const buckets = new Map<number, Json[]>();
  const all = isAll(granularity);
  const allStart = allTimestamp(segments, slices);
  for (const { row } of rows) {
    const start = all ? allStart! : bucketStart(granularity, Number(row['__time']));
    if (!buckets.has(start)) buckets.set(start, []);
    buckets.get(start)!.push(row);
  }
  if (context['skipEmptyBuckets'] !== true) {
    if (all && allStart !== null && !buckets.has(allStart)) buckets.set(allStart, []);
    if (!all) {
      segments.forEach((segment, index) => {
        for (const interval of clippedSliceIntervals(segment, slices[index]!)) {
          for (let start = bucketStart(granularity, interval.startMs); start < interval.endMs; start = nextBucket(granularity, start)) {
            if (!buckets.has(start)) buckets.set(start, []);
          }
        }
      });
    }
    if (all && buckets.size === 0) buckets.set(Date.parse(String((query['intervals'] as string[])[0]).split('/')[0]!), []);
  }
  let entries = [...buckets].sort((left, right) => (query['descending'] === true ? right[0] - left[0] : left[0] - right[0]));
  if (typeof query['limit'] === 'number') entries = entries.slice(0, query['limit']);
  const results: unknown[] = entries.map(([start, bucketRows]) => ({
    timestamp: all ? new Date(start).toISOString() : formatTime(granularity, start),
    result: withPostAggregations(query['postAggregations'] as Json[], aggregateAll(query['aggregations'] as Json[], bucketRows)),
  }));
  if (context['grandTotal'] === true) {
    const totalRows = entries.flatMap(([, bucketRows]) => bucketRows);
    results.push({ timestamp: null, result: withPostAggregations(query['postAggregations'] as Json[], aggregateAll(query['aggregations'] as Json[], totalRows)) });
  }
  return results;
}

const granularities: unknown[] = [
  'all',
  'none',
  'second',
  'minute',
  'fifteen_minute',
  'hour',
  'six_hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
  { type: 'duration', duration: 7_200_000, origin: '2024-01-29T00:30:00Z' },
  { type: 'period', period: 'P1D', timeZone: 'America/Los_Angeles' },
  { type: 'period', period: 'P1M', timeZone: 'Asia/Kolkata' },
];

const filters: (Json | undefined)[] = [
  undefined,
  { type: 'selector', dimension: 'page', value: 'alpha' },
  { type: 'not', field: { type: 'selector', dimension: 'page', value: 'beta' } },
  { type: 'selector', dimension: 'page', value: null },
  { type: 'or', fields: [{ type: 'selector', dimension: 'tags', value: 'x' }, { type: 'in', dimension: 'country', values: ['FR', null] }] },
  { type: 'selector', dimension: 'page', value: 'no such page' },
];

function run(query: Json, slices: readonly SegmentSlice[]): unknown[] {
  return runQuery(parseQuery(query), slices);
}

describe('timeseries', () => {
  it('matches the reference for every granularity, filter and option on random segments', () => {
    const random = randomSource(11);
    for (let trial = 0; trial < 40; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 4), Math.floor(random() * 120));
      const queryInterval = { startMs: START_MS + Math.floor(random() * 8) * 3_600_000, endMs: START_MS + 3 * DAY_MS - Math.floor(random() * 8) * 3_600_000 };
      const slices = slicesFor(segments, [queryInterval]);
      const granularity = granularities[trial % granularities.length];
      const query: Json = {
        queryType: 'timeseries',
        dataSource: 'wiki',
        intervals: [isoInterval(queryInterval)],
        granularity,
        aggregations,
        postAggregations,
        filter: filters[trial % filters.length],
        descending: trial % 3 === 0,
        context: { skipEmptyBuckets: trial % 4 === 1, grandTotal: trial % 5 === 2 },
      };
      if (trial % 7 === 3) query['limit'] = 3;
      if (granularity === 'none') (query['context'] as Json)['skipEmptyBuckets'] = true;
      assert.deepEqual(run(query, slices), referenceTimeseries(query, segments, slices), `trial ${trial} ${JSON.stringify(granularity)}`);
    }
  });

  it('stamps an all-granularity result with the earliest data time inside the intervals', () => {
    const segments = randomSegments(randomSource(3), 2, 50, false);
    const slices = slicesFor(segments, [{ startMs: START_MS - DAY_MS, endMs: START_MS + 5 * DAY_MS }]);
    const firstTime = Math.min(...segments[0]!.rows.map((row) => Number(row['__time'])));
    const [result] = run({ queryType: 'timeseries', dataSource: 'wiki', intervals: ['2024-01-28/2024-02-05'], granularity: 'all', aggregations }, slices) as Json[];
    assert.equal(result!['timestamp'], new Date(firstTime).toISOString());
    assert.equal((result!['result'] as Json)['rows'], 100);
  });

  it('returns one row of empty values at the first interval start when nothing is found with granularity all', () => {
    const query = { queryType: 'timeseries', dataSource: 'wiki', intervals: ['2020-01-01/2020-01-02', '2021-01-01/2021-01-02'], granularity: 'all', aggregations };
    assert.deepEqual(run(query, []), [
      { timestamp: '2020-01-01T00:00:00.000Z', result: { rows: 0, added: null, delta: null, maxAdded: null, minDelta: null, missing: null } },
    ]);
    assert.deepEqual(run({ ...query, context: { skipEmptyBuckets: true } }, []), []);
    assert.deepEqual(run({ ...query, granularity: 'day' }, []), []);
  });

  it('fills interior empty buckets and computes a grand total', () => {
    const segment = segmentFromRows(
      { dataSource: 'wiki', interval: { startMs: START_MS, endMs: START_MS + DAY_MS }, version: 'v', partition: 0, rollup: false, queryGranularity: 'none', dimensions: [], metrics: [] },
      [{ name: 'added', kind: 'long' }],
      [
        { __time: START_MS + 3_600_000, added: 4 },
        { __time: START_MS + 3 * 3_600_000 + 5, added: 6 },
      ],
    );
    const slices = [{ segment, intervals: [{ startMs: START_MS, endMs: START_MS + DAY_MS }] }];
    const results = run(
      {
        queryType: 'timeseries',
        dataSource: 'wiki',
        intervals: ['2024-01-29/2024-01-30'],
        granularity: 'hour',
        aggregations: [{ type: 'count', name: 'rows' }, { type: 'longSum', name: 'added', fieldName: 'added' }],
        context: { grandTotal: true },
      },
      slices,
    );
    assert.deepEqual(results, [
      { timestamp: '2024-01-29T01:00:00.000Z', result: { rows: 1, added: 4 } },
      { timestamp: '2024-01-29T02:00:00.000Z', result: { rows: 0, added: null } },
      { timestamp: '2024-01-29T03:00:00.000Z', result: { rows: 1, added: 6 } },
      { timestamp: null, result: { rows: 2, added: 10 } },
    ]);
  });
});
