// The incremental index's query snapshot against a straightforward reference: random rows (string,
// multi-value and numeric dimensions, nulls, out-of-order times), with and without rollup; every
// snapshot row must equal the reference rows as a multiset and times must ascend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGranularity } from '../../query/granularities/parse-granularity.js';
import type { ColumnData } from '../../segment-format/columns.js';
import { InMemorySegment } from '../../segment-format/in-memory-segment.js';
import { parseDimensionsSpec } from '../../realtime/dimensions-spec.js';
import { IncrementalIndex } from '../../realtime/incremental-index.js';
import type { InputRow } from '../../realtime/input-row.js';
import { parseMetricsSpec } from '../../realtime/metrics-spec.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

type Raw = { time: number; page: string | null; tags: string[] | string | null; size: number | null; value: number | null };

function rowOf(raw: Raw): InputRow {
  const fields: Record<string, unknown> = { page: raw.page, tags: raw.tags, size: raw.size, value: raw.value };
  return { timestampMs: raw.time, get: (name) => fields[name], fieldNames: () => Object.keys(fields) };
}

function cellOf(column: ColumnData, row: number): unknown {
  if (column.kind === 'string') {
    if (!column.multiValue) return column.dictionary[column.ids[row]!];
    const values = [];
    for (let index = column.offsets[row]!; index < column.offsets[row + 1]!; index++) values.push(column.dictionary[column.ids[index]!]);
    return values.length === 1 ? values[0] : values;
  }
  if (column.kind === 'hyperUnique') return null;
  return column.nulls?.has(row) ? null : column.values[row];
}

function normalTags(tags: Raw['tags']): unknown {
  if (!Array.isArray(tags)) return tags;
  if (tags.length === 0) return null;
  const sorted = [...tags].sort();
  return sorted.length === 1 ? sorted[0] : sorted;
}

for (const rollup of [false, true]) {
  test(`incremental index snapshot equals the reference rows (rollup ${rollup}, randomized)`, () => {
    for (let seed = 1; seed <= 5; seed++) {
      const next = random(seed * 97 + (rollup ? 1 : 0));
      const schema = parseDimensionsSpec({ dimensions: ['page', 'tags', { type: 'long', name: 'size' }] }, 'dimensionsSpec');
      const metrics = parseMetricsSpec([{ type: 'count', name: 'count' }, { type: 'doubleSum', name: 'value', fieldName: 'value' }], 'metricsSpec');
      const index = new IncrementalIndex({ dimensions: schema.dimensions, discovery: false, discoveryExclusions: new Set(), metrics, rollup, queryGranularity: parseGranularity('none', 'q') });
      const raws: Raw[] = [];
      const rowCount = 200 + Math.floor(next() * 800);
      for (let count = 0; count < rowCount; count++) {
        const tagCount = Math.floor(next() * 4);
        const raw: Raw = {
          time: 1_000 + Math.floor(next() * 50),
          page: next() < 0.1 ? null : `p${Math.floor(next() * 6)}`,
          tags: tagCount === 0 ? null : tagCount === 1 ? `t${Math.floor(next() * 3)}` : Array.from({ length: tagCount }, () => `t${Math.floor(next() * 3)}`),
          size: next() < 0.2 ? null : Math.floor(next() * 3),
          value: next() < 0.2 ? null : Math.floor(next() * 100) / 4,
        };
        raws.push(raw);
        assert.equal(index.add(rowOf(raw)), null);
      }
      const expected = new Map<string, { count: number; value: number | null; times: number }>();
      for (const raw of raws) {
        const key = JSON.stringify([raw.time, raw.page, normalTags(raw.tags), raw.size]);
        const entry = rollup ? expected.get(key) : undefined;
        if (entry === undefined) expected.set(rollup ? key : `${key}#${expected.size}`, { count: 1, value: raw.value, times: 1 });
        else {
          entry.count++;
          entry.value = raw.value === null ? entry.value : (entry.value ?? 0) + raw.value;
        }
      }
      const { times, columns } = index.snapshot();
      const segment = new InMemorySegment({ dataSource: 'd', interval: { startMs: 0, endMs: 10_000 }, version: 'v', partition: 0, rowCount: times.length, rollup, queryGranularity: 'none', dimensions: ['page', 'tags', 'size'], metrics: [] }, times, columns);
      assert.equal(segment.rowCount, expected.size);
      const actual: string[] = [];
      for (let row = 0; row < segment.rowCount; row++) {
        const cells = ['page', 'tags', 'size', 'count', 'value'].map((name) => cellOf(columns.get(name)!, row));
        actual.push(JSON.stringify([times[row], ...cells]));
      }
      const reference = [...expected].map(([key, entry]) => JSON.stringify([...JSON.parse(key.split('#')[0]!), entry.count, entry.value]));
      assert.deepEqual(actual.sort(), reference.sort());
      const tags = columns.get('tags')!;
      if (tags.kind === 'string') for (let id = 1; id < tags.dictionary.length; id++) assert.ok(String(tags.dictionary[id - 1]) < String(tags.dictionary[id]) || tags.dictionary[id - 1] === null);
    }
  });
}
