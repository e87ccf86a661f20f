import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../query/parse-query.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { DAY_MS, isoInterval, randomSegments, randomSource, slicesFor, START_MS, type Row, type TestSegment } from './random-data.js';
import {
  aggregateAll,
  bucketStart,
  compareValues,
  dimensionValues,
  filterMatches,
  formatTime,
  isAll,
  visibleRows,
  withPostAggregations,
  type Json,
  type Value,
} from './reference.js';

const aggregations: Json[] = [
  { type: 'count', name: 'rows' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'doubleSum', name: 'delta', fieldName: 'delta' },
];
const postAggregations: Json[] = [
  { type: 'arithmetic', name: 'twice', fn: '*', fields: [{ type: 'fieldAccess', fieldName: 'rows' }, { type: 'constant', value: 2 }] },
];

interface DimensionJson {
  dimension: string;
  outputName: string;
  outputType?: string;
}

function dimensionSpec(json: unknown): DimensionJson {
  return typeof json === 'string' ? { dimension: json, outputName: json } : (json as DimensionJson);
}

/** The row's output values for a dimension spec (occurrences of multi-value rows included). */
function outputValues(row: Row, spec: DimensionJson): Value[] {
  const raw = row[spec.dimension];
  if (spec.outputType === 'LONG') return [typeof raw === 'number' ? raw : null];
  return dimensionValues(row, spec.dimension);
}

function cartesian(lists: readonly Value[][]): Value[][] {
  return lists.reduce<Value[][]>((combos, list) => combos.flatMap((combo) => list.map((value) => [...combo, value])), [[]]);
}

function referenceHaving(having: Json | undefined, row: Json): boolean {
  if (having === undefined) return true;
  const metric = row[String(having['aggregation'])];
  switch (having['type']) {
    case 'greaterThan':
      return typeof metric === 'number' && metric > Number(having['value']);
    case 'lessThan':
      return typeof metric === 'number' && metric < Number(having['value']);
    case 'equalTo':
      return typeof metric === 'number' && metric === Number(having['value']);
    case 'dimSelector':
      return row[String(having['dimension'])] === having['value'];
    case 'and':
      return (having['havingSpecs'] as Json[]).every((spec) => referenceHaving(spec, row));
    case 'or':
      return (having['havingSpecs'] as Json[]).some((spec) => referenceHaving(spec, row));
    case 'not':
      return !referenceHaving(having['havingSpec'] as Json, row);
    case 'filter':
      return filterMatches(having['filter'] as Json, row);
    case 'always':
      return true;
    default:
      throw new Error('reference: having');
  }
}

function compareColumn(column: Json, dimensionNames: readonly string[], left: Json, right: Json): number {
  const name = String(column['dimension']);
  const sign = column['direction'] === 'descending' ? -1 : 1;
  const leftValue = left[name];
  const rightValue = right[name];
  if (dimensionNames.includes(name) && column['dimensionOrder'] === 'numeric' && leftValue !== null && rightValue !== null) {
    // Numbers first, by value; non-numeric strings after them, as strings.
    const leftNumber = Number(leftValue);
    const rightNumber = Number(rightValue);
    if (!Number.isNaN(leftNumber) && !Number.isNaN(rightNumber)) return sign * (leftNumber - rightNumber);
    if (Number.isNaN(leftNumber) !== Number.isNaN(rightNumber)) return sign * (Number.isNaN(leftNumber) ? 1 : -1);
  }
  return sign * compareValues(leftValue, rightValue);
}

function referenceGroupBy(query: Json, segments: readonly TestSegment[], slices: readonly SegmentSlice[]): unknown[] {
  const specs = (query['dimensions'] as unknown[]).map(dimensionSpec);
  const granularity = query['granularity'];
  const universalStart = Date.parse(String((query['intervals'] as string[])[0]).split('/')[0]!);
  const groups = new Map<string, { start: number; values: Value[]; rows: Row[] }>();
  for (const { row } of visibleRows(segments, slices)) {
    if (!filterMatches(query['filter'] as Json | undefined, row)) continue;
    const start = isAll(granularity) ? universalStart : bucketStart(granularity, Number(row['__time']));
    for (const values of cartesian(specs.map((spec) => outputValues(row, spec)))) {
      const key = JSON.stringify([start, ...values]);
      if (!groups.has(key)) groups.set(key, { start, values, rows: [] });
      groups.get(key)!.rows.push(row);
    }
  }
  const names = specs.map((spec) => spec.outputName);
  let rows = [...groups.values()]
    .map((group) => {
      const event: Json = {};
      names.forEach((name, index) => (event[name] = group.values[index]));
      Object.assign(event, aggregateAll(aggregations, group.rows));
      return { start: group.start, event: withPostAggregations(postAggregations, event) };
    })
    .filter((row) => referenceHaving(query['having'] as Json | undefined, row.event));
  const natural = (left: (typeof rows)[number], right: (typeof rows)[number]): number => {
    if (left.start !== right.start) return left.start - right.start;
    for (const name of names) {
      const comparison = compareValues(left.event[name], right.event[name]);
      if (comparison !== 0) return comparison;
    }
    return 0;
  };
  const limitSpec = query['limitSpec'] as Json | undefined;
  const columns = ((limitSpec?.['columns'] as unknown[]) ?? []).map((column) => (typeof column === 'string' ? { dimension: column } : (column as Json)));
  rows.sort((left, right) => {
    if (left.start !== right.start) return left.start - right.start;
    for (const column of columns) {
      const comparison = compareColumn(column, names, left.event, right.event);
      if (comparison !== 0) return comparison;
    }
    return natural(left, right);
  });
  if (limitSpec !== undefined) {
    const offset = Number(limitSpec['offset'] ?? 0);
    rows = rows.slice(offset, limitSpec['limit'] === undefined ? undefined : offset + Number(limitSpec['limit']));
  }
  return rows.map((row) => ({ version: 'v1', timestamp: formatTime(isAll(granularity) ? 'all' : granularity, row.start), event: row.event }));
}

const dimensionSets: unknown[][] = [
  ['page'],
  ['page', 'tags'],
  ['tags', 'country'],
  [{ type: 'default', dimension: 'added', outputName: 'addedValue', outputType: 'LONG' }, 'country'],
  [{ type: 'default', dimension: 'added', outputName: 'addedText' }],
  [],
  ['page', 'country', 'tags', 'missingColumn'],
];
const havings: (Json | undefined)[] = [
  undefined,
  { type: 'greaterThan', aggregation: 'rows', value: 2 },
  { type: 'or', havingSpecs: [{ type: 'lessThan', aggregation: 'added', value: 50 }, { type: 'equalTo', aggregation: 'rows', value: 1 }] },
  { type: 'not', havingSpec: { type: 'greaterThan', aggregation: 'delta', value: 0 } },
  { type: 'and', havingSpecs: [{ type: 'greaterThan', aggregation: 'twice', value: 2 }, { type: 'always' }] },
];

function limitSpecFor(trial: number, names: readonly string[]): Json | undefined {
  switch (trial % 5) {
    case 0:
      return undefined;
    case 1:
      return { type: 'default', limit: 7 };
    case 2:
      return { type: 'default', limit: 5, offset: 2, columns: [{ dimension: 'rows', direction: 'descending' }] };
    case 3:
      return { type: 'default', columns: ['added', ...names.slice(0, 1)] };
    default:
      return {
        type: 'default',
        offset: 1,
        columns: names.length === 0 ? [] : [{ dimension: names[0], direction: 'descending', dimensionOrder: 'numeric' }, { dimension: 'delta', direction: 'ascending' }],
      };
  }
}

describe('groupBy', () => {
  it('matches the reference for dimensions, having and limitSpec on random segments', () => {
    const random = randomSource(31);
    const granularities: unknown[] = ['all', 'day', 'hour', { type: 'period', period: 'P1D', timeZone: 'America/Los_Angeles' }, 'none'];
    for (let trial = 0; trial < 70; trial++) {
      const segments = randomSegments(random, 1 + Math.floor(random() * 4), Math.floor(random() * 120));
      const queryInterval = { startMs: START_MS + Math.floor(random() * 5) * 3_600_000, endMs: START_MS + 4 * DAY_MS };
      const slices = slicesFor(segments, [queryInterval]);
      const dimensions = dimensionSets[trial % dimensionSets.length]!;
      const names = dimensions.map((dimension) => dimensionSpec(dimension).outputName);
      const query: Json = {
        queryType: 'groupBy',
        dataSource: 'wiki',
        intervals: [isoInterval(queryInterval)],
        dimensions,
        granularity: granularities[Math.floor(trial / 7) % granularities.length],
        aggregations,
        postAggregations,
      };
      if (trial % 3 === 1) query['filter'] = { type: 'in', dimension: 'page', values: ['alpha', 'beta', null] };
      const having = havings[trial % havings.length];
      if (having !== undefined) query['having'] = having;
      const limitSpec = limitSpecFor(trial, names);
      if (limitSpec !== undefined) query['limitSpec'] = limitSpec;
      assert.deepEqual(runQuery(parseQuery(query), slices), referenceGroupBy(query, segments, slices), `trial ${trial}`);
    }
  });

  it('applies dimSelector and filter havings', () => {
    const segments = randomSegments(randomSource(8), 3, 80, false);
    const slices = slicesFor(segments, [{ startMs: START_MS, endMs: START_MS + 3 * DAY_MS }]);
    const base: Json = {
      queryType: 'groupBy',
      dataSource: 'wiki',
      intervals: ['2024-01-29/2024-02-01'],
      granularity: 'all',
      dimensions: ['page', 'country'],
      aggregations,
      postAggregations,
    };
    for (const having of [
      { type: 'dimSelector', dimension: 'page', value: 'gamma' },
      { type: 'filter', filter: { type: 'or', fields: [{ type: 'selector', dimension: 'country', value: 'JP' }, { type: 'selector', dimension: 'page', value: null }] } },
    ]) {
      const query = { ...base, having };
      const actual = runQuery(parseQuery(query), slices);
      assert.ok(actual.length > 0);
      assert.deepEqual(actual, referenceGroupBy(query, segments, slices));
    }
  });

  it('throws resource_limit past context.maxResults groups', () => {
    const segments = randomSegments(randomSource(9), 2, 200, false);
    const slices = slicesFor(segments, [{ startMs: START_MS, endMs: START_MS + 2 * DAY_MS }]);
    const query = parseQuery({
      queryType: 'groupBy',
      dataSource: 'wiki',
      intervals: ['2024-01-29/2024-01-31'],
      granularity: 'none',
      dimensions: ['page', 'tags'],
      aggregations,
      context: { maxResults: 20 },
    });
    assert.throws(() => runQuery(query, slices), (error: Error & { code?: string }) => error.code === 'resource_limit' && /20 groups/.test(error.message));
  });
});
