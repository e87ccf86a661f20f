import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { DAY_MS, isoInterval, randomSegments, randomSource, slicesFor, START_MS, type TestSegment } from './random-data.js';
import { allTimestamp, bucketStart, dimensionValues, filterMatches, formatTime, isAll, visibleRows, type Json } from './reference.js';

function matches(spec: Json, value: string): boolean {
  switch (spec['type']) {
    case 'insensitive_contains':
      return value.toLowerCase().includes(String(spec['value']).toLowerCase());
    case 'contains':
      return spec['caseSensitive'] === true ? value.includes(String(spec['value'])) : value.toLowerCase().includes(String(spec['value']).toLowerCase());
    case 'fragment':
      return (spec['values'] as string[]).every((fragment) => value.toLowerCase().includes(fragment.toLowerCase()));
    case 'regex':
      return new RegExp(String(spec['pattern'])).test(value);
    default:
      throw new Error('reference: search spec');
  }
}

interface Hit {
  dimension: string;
  value: string;
  count: number;
}

function compareHits(sort: string, left: Hit, right: Hit): number {
  const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  if (sort === 'strlen' && left.value.length !== right.value.length) return left.value.length - right.value.length;
  return byText(left.value, right.value) || byText(left.dimension, right.dimension);
}

function referenceSearch(query: Json, segments: readonly TestSegment[], slices: readonly SegmentSlice[]): unknown[] {
  const granularity = query['granularity'];
  const all = isAll(granularity);
  const allStart = allTimestamp(segments, slices);
  const dimensions = (query['searchDimensions'] as string[] | undefined) ?? ['page', 'tags', 'country'];
  const buckets = new Map<number, Map<string, Hit>>();
  if (all && allStart !== null) buckets.set(allStart, new Map());
  for (const { row } of visibleRows(segments, slices)) {
    if (!filterMatches(query['filter'] as Json | undefined, row)) continue;
    const start = all ? allStart! : bucketStart(granularity, Number(row['__time']));
    for (const dimension of dimensions) {
      // A row counts once per distinct matching value.
      for (const value of new Set(dimensionValues(row, dimension))) {
        if (value === null || !matches(query['query'] as Json, value)) continue;
        if (!buckets.has(start)) buckets.set(start, new Map());
        const hits = buckets.get(start)!;
        const key = `${dimension}/${value}`;
        if (!hits.has(key)) hits.set(key, { dimension, value, count: 0 });
        hits.get(key)!.count++;
      }
    }
  }
  return [...buckets]
    .sort((left, right) => left[0] - right[0])
    .map(([start, hits]) => ({
      timestamp: formatTime(all ? 'all' : granularity, start),
      result: [...hits.values()].sort((left, right) => compareHits(String((query['sort'] as Json | undefined)?.['type'] ?? 'lexicographic'), left, right)).slice(0, Number(query['limit'] ?? 1000)),
    }));
}

describe('search', () => {
  it('matches the reference for query specs, sorts, limits and granularities on random segments', () => {
    const random = randomSource(51);
    const specs: Json[] = [
      { type: 'insensitive_contains', value: 'E' },
      { type: 'contains', value: 'e', caseSensitive: true },
      { type: 'fragment', values: ['l', 'A'] },
      { type: 'regex', pattern: '^[a-z]$' },
      { type: 'insensitive_contains', value: '' },
    ];
    for (let trial = 0; trial < 40; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 3), Math.floor(random() * 80));
      const queryInterval = { startMs: START_MS + Math.floor(random() * 5) * 3_600_000, endMs: START_MS + 3 * DAY_MS };
      const slices = slicesFor(segments, [queryInterval]);
      const query: Json = {
        queryType: 'search',
        dataSource: 'wiki',
        intervals: [isoInterval(queryInterval)],
        query: specs[trial % specs.length],
        granularity: ['all', 'day', 'six_hour'][Math.floor(trial / 5) % 3],
      };
      if (trial % 2 === 1) query['sort'] = { type: 'strlen' };
      if (trial % 3 === 1) query['limit'] = 3;
      if (trial % 4 === 2) query['searchDimensions'] = ['page', 'country'];
      if (trial % 7 === 3) query['filter'] = { type: 'not', field: { type: 'selector', dimension: 'page', value: 'alpha' } };
      const actual = runQuery(parseQuery(query), slices);
      assert.deepEqual(actual, referenceSearch(query, segments, slices), `trial ${trial}`);
    }
  });
});
