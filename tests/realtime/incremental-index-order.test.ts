// The incremental index's segment order against a reference stable sort: rows by time, then
// dimensions in schema order (null first), equal keys in input order. Times ascend with long runs of
// equal times (each run is sorted by the first dimension's rank with a native sort, then the later
// dimensions), and a multi-value first dimension takes the comparator sort instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGranularity } from '../../query/granularities/parse-granularity.js';
import { parseDimensionsSpec } from '../../realtime/dimensions-spec.js';
import { IncrementalIndex } from '../../realtime/incremental-index.js';
import type { InputRow } from '../../realtime/input-row.js';
import { parseMetricsSpec } from '../../realtime/metrics-spec.js';
import { random } from './ingestion-fixtures.js';

type Value = string | number | null | string[];

function compareValues(left: Value, right: Value): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const leftList = Array.isArray(left) ? left : [left as string];
  const rightList = Array.isArray(right) ? right : [right as string];
  for (let index = 0; index < Math.min(leftList.length, rightList.length); index++) {
    if (leftList[index] !== rightList[index]) return leftList[index]! < rightList[index]! ? -1 : 1;
  }
  return leftList.length - rightList.length;
}

for (const multiValueFirst of [false, true]) {
  test(`sorted rows follow (time, dimensions) with equal keys in input order (${multiValueFirst ? 'multi-value' : 'single-value'} first dimension)`, () => {
    for (let seed = 1; seed <= 4; seed++) {
      const next = random(seed + (multiValueFirst ? 100 : 0));
      const schema = parseDimensionsSpec({ dimensions: ['host', 'zone', { type: 'long', name: 'size' }] }, 'dimensionsSpec');
      const metrics = parseMetricsSpec([{ type: 'doubleSum', name: 'sequence', fieldName: 'sequence' }], 'metricsSpec');
      const index = new IncrementalIndex({ dimensions: schema.dimensions, discovery: false, discoveryExclusions: new Set(), metrics, rollup: false, queryGranularity: parseGranularity('none', 'q') });
      const rows: { time: number; host: Value; zone: Value; size: Value; sequence: number }[] = [];
      let time = 1_000;
      for (let sequence = 0; sequence < 3_000; sequence++) {
        if (next() < 0.01) time += 1 + Math.floor(next() * 5);
        const host: Value = next() < 0.05 ? null : multiValueFirst && next() < 0.1 ? [`h${Math.floor(next() * 3)}`, 'hz'] : `h${Math.floor(next() * 40)}`;
        const row = { time, host, zone: next() < 0.1 ? null : `z${Math.floor(next() * 3)}`, size: next() < 0.1 ? null : Math.floor(next() * 3), sequence };
        rows.push(row);
        const fields: Record<string, unknown> = { host: row.host, zone: row.zone, size: row.size, sequence };
        const input: InputRow = { timestampMs: time, get: (name) => fields[name], fieldNames: () => Object.keys(fields) };
        assert.equal(index.add(input), null);
      }
      const expected = [...rows].sort((left, right) => left.time - right.time || compareValues(left.host, right.host) || compareValues(left.zone, right.zone) || compareValues(left.size, right.size));
      const cursor = index.sortedCursor(['host', 'zone', 'size']);
      const actual: unknown[] = [];
      while (cursor.next()) actual.push([cursor.time(), cursor.dimension(0), cursor.dimension(1), cursor.dimension(2), cursor.metric(0)]);
      assert.deepEqual(actual, expected.map((row) => [row.time, row.host, row.zone, row.size, row.sequence]), `seed ${seed}`);
    }
  });
}
