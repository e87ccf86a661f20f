import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { randomSegments, randomSource, slicesFor, START_MS, DAY_MS } from './random-data.js';
import { filterMatches, visibleRows, type Json } from './reference.js';

const HOUR_MS = 3_600_000;

function daySegment(dayIndex: number, rows: Record<string, unknown>[], metrics: { name: string; aggregator: Json }[], rollup = false) {
  const startMs = START_MS + dayIndex * DAY_MS;
  return segmentFromRows(
    {
      dataSource: 'wiki',
      interval: { startMs, endMs: startMs + DAY_MS },
      version: 'v1',
      partition: 0,
      rollup,
      queryGranularity: { type: 'none' },
      dimensions: ['page', 'tags'],
      metrics,
    },
    [
      { name: 'page', kind: 'string' },
      { name: 'tags', kind: 'multiString' },
      { name: 'added', kind: 'long' },
      { name: 'ratio', kind: 'float' },
    ],
    rows.map((row) => ({ ...row, __time: startMs + Number(row['__time']) })),
  );
}

const first = daySegment(
  0,
  [
    { __time: HOUR_MS, page: 'b', tags: ['x', 'y'], added: 5, ratio: 0.5 },
    { __time: 2 * HOUR_MS, page: null, tags: 'x', added: null, ratio: 1.5 },
    { __time: 5 * HOUR_MS, page: 'a', tags: null, added: -3, ratio: null },
  ],
  [{ name: 'added', aggregator: { type: 'longSum', name: 'added', fieldName: 'added' } }],
);
const second = daySegment(
  1,
  [
    { __time: 3 * HOUR_MS, page: 'c', tags: 'z', added: 10, ratio: 2 },
    { __time: 4 * HOUR_MS, page: 'a', tags: 'z', added: 1, ratio: 3 },
  ],
  [{ name: 'added', aggregator: { type: 'doubleSum', name: 'added', fieldName: 'added' } }],
  true,
);
const slices = [first, second].map((segment) => ({ segment, intervals: [segment.info.interval] }));
const iso = (ms: number): string => new Date(ms).toISOString();

describe('timeBoundary', () => {
  it('reports min and max time, honours bound, intervals and filter', () => {
    const base = { queryType: 'timeBoundary', dataSource: 'wiki' };
    assert.deepEqual(runQuery(parseQuery(base), slices), [
      { timestamp: iso(START_MS + HOUR_MS), result: { minTime: iso(START_MS + HOUR_MS), maxTime: iso(START_MS + DAY_MS + 4 * HOUR_MS) } },
    ]);
    assert.deepEqual(runQuery(parseQuery({ ...base, bound: 'maxTime' }), slices), [
      { timestamp: iso(START_MS + DAY_MS + 4 * HOUR_MS), result: { maxTime: iso(START_MS + DAY_MS + 4 * HOUR_MS) } },
    ]);
    const filtered = parseQuery({ ...base, filter: { type: 'selector', dimension: 'page', value: 'a' }, bound: 'minTime' });
    assert.deepEqual(runQuery(filtered, slices), [{ timestamp: iso(START_MS + 5 * HOUR_MS), result: { minTime: iso(START_MS + 5 * HOUR_MS) } }]);
    const clipped = slicesFor(
      slices.map((slice) => ({ rows: [], slice })),
      [{ startMs: START_MS + 2 * HOUR_MS, endMs: START_MS + DAY_MS + 4 * HOUR_MS }],
    );
    assert.deepEqual(runQuery(parseQuery(base), clipped), [
      { timestamp: iso(START_MS + 2 * HOUR_MS), result: { minTime: iso(START_MS + 2 * HOUR_MS), maxTime: iso(START_MS + DAY_MS + 3 * HOUR_MS) } },
    ]);
    assert.deepEqual(runQuery(parseQuery({ ...base, filter: { type: 'selector', dimension: 'page', value: 'nope' } }), slices), []);
    assert.deepEqual(runQuery(parseQuery(base), []), []);
  });

  it('matches a reference over random segments with filters', () => {
    const random = randomSource(61);
    for (let trial = 0; trial < 20; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 3), Math.floor(random() * 30));
      const sliceSet = slicesFor(segments, [{ startMs: START_MS + HOUR_MS, endMs: START_MS + 3 * DAY_MS }]);
      const filter = trial % 2 === 0 ? undefined : { type: 'selector', dimension: 'tags', value: 'w' };
      const times = visibleRows(segments, sliceSet)
        .filter(({ row }) => filterMatches(filter, row))
        .map(({ row }) => Number(row['__time']));
      const expected = times.length === 0 ? [] : [{ timestamp: iso(Math.min(...times)), result: { minTime: iso(Math.min(...times)), maxTime: iso(Math.max(...times)) } }];
      assert.deepEqual(runQuery(parseQuery({ queryType: 'timeBoundary', dataSource: 'wiki', filter }), sliceSet), expected);
    }
  });
});

describe('dataSourceMetadata', () => {
  it('reports the latest event time, or nothing without segments', () => {
    const query = parseQuery({ queryType: 'dataSourceMetadata', dataSource: 'wiki' });
    const latest = iso(START_MS + DAY_MS + 4 * HOUR_MS);
    assert.deepEqual(runQuery(query, slices), [{ timestamp: latest, result: { maxIngestedEventTime: latest } }]);
    assert.deepEqual(runQuery(query, []), []);
  });
});

describe('segmentMetadata', () => {
  it('analyzes each segment with the default analysis types', () => {
    const [result] = runQuery(parseQuery({ queryType: 'segmentMetadata', dataSource: 'wiki', intervals: ['2024-01-29/2024-01-30'] }), slices.slice(0, 1)) as Json[];
    assert.deepEqual(result, {
      id: first.id,
      intervals: ['2024-01-29T00:00:00.000Z/2024-01-30T00:00:00.000Z'],
      columns: {
        __time: { typeSignature: 'LONG', type: 'LONG', hasMultipleValues: false, hasNulls: false, size: 0, cardinality: null, minValue: START_MS + HOUR_MS, maxValue: START_MS + 5 * HOUR_MS, errorMessage: null },
        added: { typeSignature: 'LONG', type: 'LONG', hasMultipleValues: false, hasNulls: true, size: 0, cardinality: null, minValue: -3, maxValue: 5, errorMessage: null },
        page: { typeSignature: 'STRING', type: 'STRING', hasMultipleValues: false, hasNulls: true, size: 0, cardinality: 3, minValue: 'a', maxValue: 'b', errorMessage: null },
        ratio: { typeSignature: 'FLOAT', type: 'FLOAT', hasMultipleValues: false, hasNulls: true, size: 0, cardinality: null, minValue: 0.5, maxValue: 1.5, errorMessage: null },
        tags: { typeSignature: 'STRING', type: 'STRING', hasMultipleValues: true, hasNulls: true, size: 0, cardinality: 3, minValue: 'x', maxValue: 'y', errorMessage: null },
      },
      size: 0,
      numRows: 3,
      aggregators: null,
      timestampSpec: null,
      queryGranularity: null,
      rollup: null,
    });
  });

  it('merges segments, honours toInclude and the aggregator merge strategies', () => {
    const query = {
      queryType: 'segmentMetadata',
      dataSource: 'wiki',
      merge: true,
      toInclude: { type: 'list', columns: ['page', 'tags'] },
      analysisTypes: ['cardinality', 'size', 'interval', 'aggregators', 'rollup', 'queryGranularity'],
    };
    const [merged] = runQuery(parseQuery(query), slices) as Json[];
    assert.equal(merged!['id'], 'merged');
    assert.deepEqual(merged!['intervals'], ['2024-01-29T00:00:00.000Z/2024-01-31T00:00:00.000Z']);
    assert.equal(merged!['numRows'], 5);
    // page: "b" + "a" + "c" + "a" = 4 bytes; tags: x,y,x in the first (3 bytes), z,z in the second (2 bytes).
    assert.equal(merged!['size'], 9);
    const columns = merged!['columns'] as Record<string, Json>;
    assert.deepEqual(Object.keys(columns), ['page', 'tags']);
    assert.equal(columns['page']!['cardinality'], 3);
    assert.equal(columns['page']!['size'], 4);
    assert.equal(columns['tags']!['hasMultipleValues'], true);
    assert.equal(merged!['aggregators'], null, 'strict merge of conflicting aggregators is null');
    assert.equal(merged!['rollup'], null, 'rollup differs between segments');
    assert.deepEqual(merged!['queryGranularity'], { type: 'none' });
    const [lenient] = runQuery(parseQuery({ ...query, lenientAggregatorMerge: true }), slices) as Json[];
    assert.deepEqual(lenient!['aggregators'], { added: null });
    const [latest] = runQuery(parseQuery({ ...query, aggregatorMergeStrategy: 'latest' }), slices) as Json[];
    assert.deepEqual(latest!['aggregators'], { added: { type: 'doubleSum', name: 'added', fieldName: 'added' } });
    const separate = runQuery(parseQuery({ ...query, merge: false, toInclude: { type: 'none' } }), slices) as Json[];
    assert.deepEqual(separate.map((result) => [result['id'], result['columns']]), [
      [first.id, {}],
      [second.id, {}],
    ]);
  });
});
