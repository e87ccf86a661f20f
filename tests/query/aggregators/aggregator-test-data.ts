// Shared fixtures for the aggregator tests: a seeded PRNG, a random segment with nulls of every
// column kind, random (row, group) batches, and a harness that checks an aggregator against a
// reference computed straight from the literal rows.
import assert from 'node:assert/strict';
import { HyperLogLog } from '../../../query/hyper-log-log.js';
import type { AggregatorFactory } from '../../../query/aggregators/aggregator-factory.js';
import { segmentFromRows, type ColumnSpec, type InMemorySegment } from '../../../segment-format/in-memory-segment.js';

export type Row = Readonly<Record<string, unknown>>;

/** mulberry32: deterministic floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

export const DAY_START_MS = Date.UTC(2024, 0, 15);

export const testColumns: readonly ColumnSpec[] = [
  { name: 's', kind: 'string' },
  { name: 'm', kind: 'multiString' },
  { name: 'n', kind: 'string' },
  { name: 'l', kind: 'long' },
  { name: 'd', kind: 'double' },
  { name: 'f', kind: 'float' },
  { name: 't', kind: 'long' },
  { name: 'h', kind: 'hyperUnique' },
];

const words = ['apple', 'banana', 'cherry', 'date', 'élan', '日本語', '', 'zebra'];
const numericStrings = ['12', '-3', '4.5', '0', '007', 'abc', '', ' 7', '1e', '2.25', '-0.5'];

function randomValue(random: () => number, make: () => unknown, nullRate = 0.2): unknown {
  return random() < nullRate ? null : make();
}

/** Random literal rows: times with many ties, every column kind, nulls everywhere. */
export function randomRows(random: () => number, rowCount: number): Row[] {
  const rows: Row[] = [];
  for (let index = 0; index < rowCount; index++) {
    const hllValues = Array.from({ length: 1 + Math.floor(random() * 4) }, () => `user${Math.floor(random() * 400)}`);
    rows.push({
      __time: DAY_START_MS + Math.floor(random() * 20) * 60_000,
      s: randomValue(random, () => pick(random, words)),
      m: randomValue(random, () => {
        const count = Math.floor(random() * 4);
        return Array.from({ length: count }, () => pick(random, words));
      }),
      n: randomValue(random, () => pick(random, numericStrings)),
      l: randomValue(random, () => Math.floor(random() * 2000) - 1000),
      d: randomValue(random, () => (random() - 0.5) * 1e4),
      f: randomValue(random, () => (random() - 0.5) * 100),
      t: randomValue(random, () => Math.floor(random() * 50)),
      // hv: the raw values behind h, for the reference (not a segment column).
      ...(random() < 0.1 ? { h: new Uint8Array(0), hv: [] } : { h: sketchBytes(hllValues), hv: hllValues }),
    });
  }
  return rows;
}

function sketchBytes(values: readonly string[]): Uint8Array {
  const sketch = HyperLogLog.create();
  for (const value of values) sketch.addString(value);
  return sketch.serialize();
}

export interface TestSegment {
  readonly segment: InMemorySegment;
  /** The literal rows in segment row order (sorted by __time, stable). */
  readonly rows: readonly Row[];
}

export function buildSegment(rows: readonly Row[]): TestSegment {
  const segment = segmentFromRows(
    {
      dataSource: 'test',
      interval: { startMs: DAY_START_MS, endMs: DAY_START_MS + 86_400_000 },
      version: 'v1',
      partition: 0,
      rollup: false,
      queryGranularity: { type: 'none' },
      dimensions: ['s', 'm', 'n'],
      metrics: [],
    },
    testColumns,
    rows,
  );
  const sorted = [...rows].sort((a, b) => (a['__time'] as number) - (b['__time'] as number));
  return { segment, rows: sorted };
}

export interface Batch {
  readonly rows: Uint32Array;
  readonly groups: Uint32Array;
  readonly groupCount: number;
}

/** Random rows (with repeats; some rows never chosen) assigned to random groups; some groups stay empty. */
export function randomBatch(random: () => number, rowCount: number, length: number, groupCount: number): Batch {
  const rows = new Uint32Array(length);
  const groups = new Uint32Array(length);
  for (let index = 0; index < length; index++) {
    rows[index] = Math.floor(random() * rowCount);
    // Group 1 never receives rows, to check empty groups.
    let group = Math.floor(random() * groupCount);
    if (group === 1) group = 0;
    groups[index] = group;
  }
  return { rows, groups, groupCount };
}

export type Reference = (rowsOfGroup: readonly Row[]) => unknown;
export type Equality = (actual: unknown, expected: unknown, message: string) => void;

export const exactly: Equality = (actual, expected, message) => assert.deepEqual(actual, expected, message);

export function approximately(relativeTolerance: number): Equality {
  return (actual, expected, message) => {
    if (expected === null || actual === null) {
      assert.equal(actual, expected, message);
      return;
    }
    const a = actual as number;
    const e = expected as number;
    assert.equal(typeof a, 'number', message);
    assert.ok(Math.abs(a - e) <= relativeTolerance * Math.max(1, Math.abs(e)), `${message}: ${a} vs ${e}`);
  };
}

function foldInChunks(factory: AggregatorFactory, test: TestSegment, batch: Batch, start: number, end: number) {
  const accumulator = factory.accumulator(test.segment);
  // Several aggregate calls of uneven sizes, so state grows between calls.
  const cut = start + Math.floor((end - start) / 3);
  accumulator.aggregate(batch.rows.subarray(start, cut), batch.groups.subarray(start, cut), cut - start);
  accumulator.aggregate(batch.rows.subarray(cut, end), batch.groups.subarray(cut, end), end - cut);
  return accumulator;
}

function rowsOfGroup(test: TestSegment, batch: Batch, group: number, start: number, end: number): Row[] {
  const rows: Row[] = [];
  for (let index = start; index < end; index++) if (batch.groups[index] === group) rows.push(test.rows[batch.rows[index]!]!);
  return rows;
}

/**
 * Checks finalized results against the reference for every group (plus one beyond the last), then
 * combine: two accumulators over the two halves of the batch, combined, must give the same answer,
 * and combining with empty() must change nothing.
 */
export function checkAggregator(
  factory: AggregatorFactory,
  test: TestSegment,
  batch: Batch,
  reference: Reference,
  equal: Equality,
): void {
  const length = batch.rows.length;
  const whole = foldInChunks(factory, test, batch, 0, length);
  const half = Math.floor(length / 2);
  const left = foldInChunks(factory, test, batch, 0, half);
  const right = foldInChunks(factory, test, batch, half, length);
  for (let group = 0; group <= batch.groupCount; group++) {
    const expected = reference(rowsOfGroup(test, batch, group, 0, length));
    const label = `${factory.type} ${factory.name} group ${group}`;
    equal(factory.finalize(whole.result(group)), expected, label);
    equal(factory.finalize(factory.combine(factory.empty(), whole.result(group))), expected, `${label} (empty ⊕ x)`);
    equal(factory.finalize(factory.combine(left.result(group), right.result(group))), expected, `${label} (combined halves)`);
  }
}

/** A literal value read as a number the way the reference expects (strict decimal strings only). */
export function literalNumber(row: Row, field: string): number | null {
  const value = row[field];
  if (value === null || value === undefined) return null;
  if (field === 'f') return Math.fround(value as number);
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length === 1 ? literalNumber({ x: value[0] }, 'x') : null;
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null;
  return null;
}

/** The row's value as a string: multi-value rows of several values in Java list form. */
export function literalString(row: Row, field: string): string | null {
  const value = row[field];
  if (value === null || value === undefined) return null;
  if (field === 'f') return String(float32Shortest(value as number));
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length === 1) return (value[0] as string | null) ?? null;
    return `[${value.map((item) => item ?? 'null').join(', ')}]`;
  }
  return String(value);
}

/** Cut to at most maxBytes of UTF-8 without splitting a character. */
export function truncateByCharacters(value: string, maxBytes: number): string {
  let result = '';
  let bytes = 0;
  for (const character of value) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxBytes) break;
    result += character;
    bytes += size;
  }
  return result;
}

/** The float32 value rounded to the shortest decimal that still reads back as that float32. */
export function float32Shortest(value: number): number {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}
