import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { DAY_MS, isoInterval, randomSegments, randomSource, slicesFor, START_MS, type TestSegment } from './random-data.js';
import {
  aggregateAll,
  allTimestamp,
  bucketStart,
  compareValues,
  dimensionValues,
  filterMatches,
  formatTime,
  isAll,
  visibleRows,
  withPostAggregations,
  type Json,
} from './reference.js';

const aggregations: Json[] = [
  { type: 'count', name: 'rows' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleMax', name: 'maxDelta', fieldName: 'delta' },
];
const postAggregations: Json[] = [
  { type: 'arithmetic', name: 'score', fn: '-', fields: [{ type: 'fieldAccess', fieldName: 'rows' }, { type: 'constant', value: 0.5 }] },
];

type Row = Record<string, unknown>;

/** Sort rows best-first per the metric spec; ties by dimension value ascending. */
function referenceOrder(metric: unknown, dimension: string): { compare: (left: Row, right: Row) => number; keep: (row: Row) => boolean } {
  const byDimension = (left: Row, right: Row): number => compareValues(left[dimension], right[dimension]);
  if (typeof metric === 'string') return referenceOrder({ type: 'numeric', metric }, dimension);
  const spec = metric as Json;
  if (spec['type'] === 'numeric') {
    const name = String(spec['metric']);
    return { compare: (left, right) => compareValues(right[name], left[name]) || byDimension(left, right), keep: () => true };
  }
  if (spec['type'] === 'inverted') {
    const inner = spec['metric'] as Json | string;
    if (typeof inner === 'string' || inner['type'] === 'numeric') {
      const name = typeof inner === 'string' ? inner : String(inner['metric']);
      return { compare: (left, right) => compareValues(left[name], right[name]) || byDimension(left, right), keep: () => true };
    }
    return { compare: (left, right) => byDimension(right, left), keep: () => true };
  }
  const previousStop = spec['previousStop'];
  return {
    compare: byDimension,
    keep: (row) => previousStop === undefined || (row[dimension] !== null && String(row[dimension]) > String(previousStop)),
  };
}

function referenceTopN(query: Json, segments: readonly TestSegment[], slices: readonly SegmentSlice[]): unknown[] {
  const dimension = String(query['dimension']);
  const granularity = query['granularity'];
  const all = isAll(granularity);
  const allStart = allTimestamp(segments, slices);
  const buckets = new Map<number, Map<string | null, Row[]>>();
  for (const { row } of visibleRows(segments, slices)) {
    if (!filterMatches(query['filter'] as Json | undefined, row)) continue;
    const start = all ? allStart! : bucketStart(granularity, Number(row['__time']));
    if (!buckets.has(start)) buckets.set(start, new Map());
    const groups = buckets.get(start)!;
    for (const value of dimensionValues(row, dimension)) {
      if (!groups.has(value)) groups.set(value, []);
      groups.get(value)!.push(row);
    }
  }
  const { compare, keep } = referenceOrder(query['metric'], dimension);
  return [...buckets]
    .sort((left, right) => left[0] - right[0])
    .map(([start, groups]) => ({
      timestamp: formatTime(all ? 'all' : granularity, start),
      result: [...groups]
        .map(([value, rows]) => withPostAggregations(postAggregations, { [dimension]: value, ...aggregateAll(aggregations, rows) }))
        .filter(keep)
        .sort(compare)
        .slice(0, Number(query['threshold'])),
    }));
}

const metrics: unknown[] = [
  'added',
  { type: 'numeric', metric: 'maxDelta' },
  { type: 'numeric', metric: 'score' },
  { type: 'inverted', metric: 'rows' },
  { type: 'dimension', ordering: 'lexicographic' },
  { type: 'dimension', ordering: 'lexicographic', previousStop: 'beta' },
  { type: 'lexicographic', previousStop: 'delta' },
  { type: 'inverted', metric: { type: 'dimension', ordering: 'lexicographic' } },
];

describe('topN', () => {
  it('matches the reference for every metric spec, dimension and granularity on random segments', () => {
    const random = randomSource(21);
    const dimensions = ['page', 'tags', 'country'];
    const granularities = ['all', 'day', 'hour', 'six_hour'];
    const filters = [undefined, { type: 'not', field: { type: 'selector', dimension: 'page', value: 'alpha' } }, { type: 'selector', dimension: 'tags', value: 'y' }];
    for (let trial = 0; trial < 48; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 4), Math.floor(random() * 150));
      const queryInterval = { startMs: START_MS + Math.floor(random() * 5) * 3_600_000, endMs: START_MS + 4 * DAY_MS };
      const slices = slicesFor(segments, [queryInterval]);
      const query: Json = {
        queryType: 'topN',
        dataSource: 'wiki',
        intervals: [isoInterval(queryInterval)],
        dimension: dimensions[trial % 3],
        threshold: 1 + Math.floor(random() * 5),
        metric: metrics[trial % metrics.length],
        granularity: granularities[Math.floor(trial / 3) % granularities.length],
        filter: filters[trial % filters.length],
        aggregations,
        postAggregations,
      };
      assert.deepEqual(runQuery(parseQuery(query), slices), referenceTopN(query, segments, slices), `trial ${trial}`);
    }
  });

  it('accepts a dimension spec with an output name and returns [] when nothing matches', () => {
    const segments = randomSegments(randomSource(4), 2, 40, false);
    const slices = slicesFor(segments, [{ startMs: START_MS, endMs: START_MS + 2 * DAY_MS }]);
    const query = {
      queryType: 'topN',
      dataSource: { type: 'table', name: 'wiki' },
      intervals: '2024-01-29/2024-01-31',
      granularity: 'all',
      dimension: { type: 'default', dimension: 'page', outputName: 'thePage' },
      threshold: 2,
      metric: 'rows',
      aggregations: [{ type: 'count', name: 'rows' }],
    };
    const [result] = runQuery(parseQuery(query), slices) as Json[];
    const rows = result!['result'] as Json[];
    assert.equal(rows.length, 2);
    assert.ok('thePage' in rows[0]!);
    assert.ok((rows[0]!['rows'] as number) >= (rows[1]!['rows'] as number));
    assert.deepEqual(runQuery(parseQuery({ ...query, filter: { type: 'selector', dimension: 'page', value: 'nope' } }), slices), []);
  });
});
