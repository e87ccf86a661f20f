// The fast JSON path (bytes straight into the index) against the general path (JSON.parse, InputRow):
// the same randomized input, with every oddity the fast path must hand back (escapes, non-ASCII,
// arrays, objects, booleans, strings for numbers, duplicate keys, bad JSON, BOM, CRLF, blank lines),
// must give identical row counts, parse-exception messages and segment rows. A transform that writes
// an unused field forces the general path without changing the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingest, random, readAllRows, type SpecParts } from './ingestion-fixtures.js';

const HOUR = 3_600_000;
const base = Date.UTC(2024, 4, 1);

const stringValues: unknown[] = ['FR', 'US', 'JP', '日本', 'a"b', 'tab\there', 'back\\slash', '', 'x y', null, 7, 2.5, true, ['b', 'a'], ['c'], [], { nested: 1 }];
const numberValues: unknown[] = [0, -0, 1, -17, 42, 0.1, 123.456, -99.5, 1e3, 2.5e-3, 1.5E+2, 123456789012345678, 9007199254740993, 0.30000000000000004, 5e-324, null, '12', ' 7 ', 'bad', '', true, [3], [], { x: 1 }];
const timeValues: unknown[] = ['iso', 'millis', 'millis', 'millis', 'millis', 'digits', null, 'garbage', 1.5, -5];

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

function numberText(next: () => number, value: unknown): string {
  if (typeof value !== 'number') return JSON.stringify(value);
  // Spell some numbers the way other writers do: exponents, trailing zeros, negative zero.
  const roll = next();
  if (Object.is(value, -0)) return '-0';
  if (roll < 0.1) return value.toExponential();
  if (roll < 0.2 && Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.000`;
  return JSON.stringify(value);
}

function timeText(next: () => number, kind: unknown): string {
  const ms = base + Math.floor(next() * 6 * HOUR);
  if (kind === 'iso') return JSON.stringify(new Date(ms).toISOString());
  if (kind === 'millis') return String(ms);
  if (kind === 'digits') return JSON.stringify(String(ms));
  return JSON.stringify(kind);
}

function randomLine(next: () => number): string {
  const pairs: [string, string][] = [];
  if (next() < 0.95) pairs.push(['ts', timeText(next, pick(next, timeValues))]);
  if (next() < 0.9) pairs.push(['country', JSON.stringify(pick(next, stringValues))]);
  if (next() < 0.9) pairs.push(['device', JSON.stringify(pick(next, ['phone', 'desktop', 'tablet', null]))]);
  if (next() < 0.8) pairs.push(['bucket', numberText(next, pick(next, numberValues))]);
  if (next() < 0.9) pairs.push(['added', numberText(next, pick(next, numberValues))]);
  if (next() < 0.9) pairs.push(['price', numberText(next, Math.round(next() * 1e6) / 100)]);
  if (next() < 0.3) pairs.push(['extra', JSON.stringify(pick(next, [...stringValues, ...numberValues]))]);
  if (next() < 0.05) pairs.push(['country', JSON.stringify(pick(next, stringValues))]);
  if (next() < 0.5) pairs.sort(() => next() - 0.5);
  const space = (): string => (next() < 0.1 ? pick(next, [' ', '\t', '  ']) : '');
  let line = `${space()}{${space()}${pairs.map(([key, value]) => `${JSON.stringify(key)}${space()}:${space()}${value}`).join(`${space()},${space()}`)}${space()}}${space()}`;
  const roll = next();
  if (roll < 0.02) line = line.slice(0, Math.floor(line.length / 2));
  else if (roll < 0.03) line = '';
  else if (roll < 0.04) line = '  \t';
  else if (roll < 0.05) line = '[1,2]';
  else if (roll < 0.06) line += ' x';
  return line + (next() < 0.1 ? '\r' : '');
}

function randomInput(count: number, seed: number): string {
  const next = random(seed);
  const lines = Array.from({ length: count }, () => randomLine(next));
  return (seed % 2 === 0 ? '\ufeff' : '') + lines.join('\n') + (seed % 3 === 0 ? '' : '\n');
}

function parts(data: string, rollup: boolean, maxRowsInMemory: number, general: boolean): SpecParts {
  return {
    inputSource: { type: 'inline', data },
    inputFormat: { type: 'json' },
    timestampSpec: { column: 'ts', format: 'auto' },
    dimensionsSpec: { dimensions: ['country', 'device', { type: 'long', name: 'bucket' }] },
    metricsSpec: [
      { type: 'count', name: 'count' },
      { type: 'longSum', name: 'added', fieldName: 'added' },
      { type: 'doubleSum', name: 'price', fieldName: 'price' },
      { type: 'floatMax', name: 'maxPrice', fieldName: 'price' },
      { type: 'doubleMin', name: 'minBucket', fieldName: 'bucket' },
    ],
    granularitySpec: { segmentGranularity: 'hour', queryGranularity: rollup ? 'hour' : 'none', rollup },
    tuningConfig: { maxRowsInMemory, maxParseExceptions: 1_000_000, maxSavedParseExceptions: 100_000 },
    ...(general ? { transformSpec: { transforms: [{ type: 'expression', name: 'unused_field', expression: '1' }] } } : {}),
  };
}

for (const rollup of [false, true]) {
  test(`fast JSON path equals the general path on randomized lines (rollup ${rollup})`, async (t) => {
    for (let seed = 1; seed <= 4; seed++) {
      const data = randomInput(1500, seed * 31 + (rollup ? 7 : 0));
      for (const maxRowsInMemory of [1_000_000, 97]) {
        const fast = await ingest(t, parts(data, rollup, maxRowsInMemory, false));
        const general = await ingest(t, parts(data, rollup, maxRowsInMemory, true));
        assert.deepEqual(fast.rowStats, general.rowStats, `seed ${seed} row stats`);
        assert.ok(general.rowStats.processed > 500 && general.rowStats.unparseable > 50, 'the input mixes good and bad lines');
        assert.deepEqual(fast.parseExceptions, general.parseExceptions, `seed ${seed} messages`);
        assert.deepEqual(fast.segments.map((segment) => segment.info), general.segments.map((segment) => segment.info));
        assert.deepEqual(await readAllRows(fast), await readAllRows(general), `seed ${seed} rows`);
      }
    }
  });
}

test('fast JSON path reads numbers exactly as JSON.parse does', async (t) => {
  const texts = ['0', '-0', '0.1', '0.2', '0.30000000000000004', '123456.789', '-1.5', '1e3', '2.5E-3', '1.7976931348623157e308', '5e-324',
    '9007199254740993', '123456789012345678901', '0.000001234', '999999999999999', '9999999999999999', '1234567.891011', '3.14159265358979323846'];
  const data = texts.map((text, index) => `{"ts":${base + index},"v":${text}}`).join('\n');
  const result = await ingest(t, {
    inputSource: { type: 'inline', data },
    inputFormat: { type: 'json' },
    timestampSpec: { column: 'ts', format: 'millis' },
    dimensionsSpec: { dimensions: ['unused'] },
    metricsSpec: [{ type: 'doubleSum', name: 'v', fieldName: 'v' }],
    granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
  });
  const rows = await readAllRows(result);
  assert.deepEqual(rows.map((row) => row['v']), texts.map((text) => JSON.parse(text) as number));
  assert.ok(Object.is(rows[1]!['v'], -0));
});
