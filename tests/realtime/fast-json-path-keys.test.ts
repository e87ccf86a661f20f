// The fast JSON path against the general path on lines built to trip its shortcuts: keys matched
// against the previous line's key at the same position (keys one byte off, one byte shorter or
// longer, reordered, repeated, missing, unknown), names of every length around the word size,
// names that can never match byte for byte, whitespace anywhere, numbers at the exact-digits boundary,
// negative zero, exponents, repeated and zero timestamps, values around the intern table's inline
// length, escapes and non-ASCII. Rows, row stats and parse-exception messages must be identical.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ingest, random, readAllRows, type SpecParts } from './ingestion-fixtures.js';

const base = Date.UTC(2024, 4, 1);

/** Field names in the usual order of a line, and what kind of value each takes. */
const fields: readonly { name: string; kind: 'time' | 'string' | 'number' }[] = [
  { name: 'ts', kind: 'time' },
  { name: 'a', kind: 'string' },
  { name: 'ab', kind: 'string' },
  { name: 'abc', kind: 'string' },
  { name: 'host', kind: 'string' },
  { name: 'region_x', kind: 'string' },
  { name: 'a_very_long_dimension_name_for_keys', kind: 'string' },
  { name: 'pays_é', kind: 'string' },
  { name: 'q"uote', kind: 'string' },
  { name: 'level', kind: 'number' },
  { name: 'v', kind: 'number' },
  { name: 'value12', kind: 'number' },
  { name: 'usage_guest_nice', kind: 'number' },
];

/** Values the fast path reads itself; short and long around the intern table's inline length, some one byte apart. */
const cleanStrings: readonly unknown[] = ['', 'x', 'abcdefg', 'abcdefh', 'abcdefgh', 'abcdefgi', 'abcdef', 'host_1', 'host_12', 'host_123', 'a-much-longer-value-here',
  'a-much-longer-value-herf', 'with space', null];
/** Values it hands back to the general path. */
const oddStrings: readonly unknown[] = ['tab\there', 'quote"in', 'back\\slash', 'é', '日本', '\u0001', 12, true, ['x', 'y'], { o: 1 }];
const cleanNumbers: readonly string[] = ['0', '-0', '-0.0', '0.0', '7', '-7', '42', '123456789012345', '1234567890123456', '-999999999999999', '9999999999999999',
  '12345678.9012345', '12345678.90123456', '9999999999999.999', '-0.9999999999999999', '0.1', '0.30000000000000004', '1e2', '1E-2', '-1.5e+3', '2.5e-3', '1e18', '5e-324', 'null'];
const oddNumbers: readonly string[] = ['01', '-', '1.', '.5', '1e', '+1', '-a', '"12"', '"x"', 'true', '[1]', 'nul', 'NaN'];
const times: readonly string[] = [String(base), String(base), String(base + 1000), String(base + 1000), String(base + 3_600_000), '0', '-0', '1.5',
  `"${new Date(base).toISOString()}"`, `"${base}"`, '-5', '1e3'];
const oddTimes: readonly string[] = ['"garbage"', 'null', 'true'];

/** Names whose key in JSON has an escape or non-ASCII: every line with one goes the general way, so they are rare. */
const unmatchable = new Set(['pays_é', 'q"uote']);

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

/** A key near `name`: one byte changed, dropped or added, or the case of its first letter flipped. */
function nearKey(next: () => number, name: string): string {
  const at = Math.floor(next() * name.length);
  const roll = next();
  if (roll < 0.3) return name.slice(0, at) + String.fromCharCode(name.charCodeAt(at) + 1) + name.slice(at + 1);
  if (roll < 0.55) return name.slice(0, at) + name.slice(at + 1);
  if (roll < 0.8) return name.slice(0, at) + pick(next, ['x', '_', '"', 'é']) + name.slice(at);
  return name[0]!.toUpperCase() + name.slice(1);
}

/** A value of the kind, rarely (3%) one the fast path must hand back. */
function valueText(next: () => number, kind: 'time' | 'string' | 'number'): string {
  const odd = next() < 0.03;
  if (kind === 'time') return pick(next, odd ? oddTimes : times);
  if (kind === 'number') return odd ? pick(next, oddNumbers) : pick(next, cleanNumbers);
  return JSON.stringify(pick(next, odd ? oddStrings : cleanStrings));
}

function space(next: () => number): string {
  return next() < 0.08 ? pick(next, [' ', '\t', '\r', '  ', ' \t ']) : '';
}

function randomLine(next: () => number, previousTime: string): string {
  const members: [string, string][] = [];
  for (const field of fields) {
    if (next() < (unmatchable.has(field.name) ? 0.97 : 0.04)) continue;
    const key = next() < 0.04 ? nearKey(next, field.name) : field.name;
    // Consecutive lines mostly share a time, as bench data does.
    const value = field.kind === 'time' && next() < 0.6 ? previousTime : valueText(next, field.kind);
    members.push([key, value]);
  }
  if (next() < 0.05) {
    // A repeated or unknown key (a repeated time keeps to times a segment id can hold).
    const key = pick(next, ['extra', 'ts', 'host', 'v', `unknown_${Math.floor(next() * 50)}`]);
    members.push([key, valueText(next, key === 'ts' ? 'time' : key === 'v' ? 'number' : 'string')]);
  }
  if (next() < 0.05) members.splice(Math.floor(next() * members.length), 0, [`unknown_${Math.floor(next() * 50)}`, valueText(next, 'string')]);
  if (next() < 0.05) {
    const from = Math.floor(next() * members.length);
    const to = Math.floor(next() * members.length);
    [members[from], members[to]] = [members[to]!, members[from]!];
  }
  const body = members.map(([key, value]) => `${space(next)}${JSON.stringify(key)}${space(next)}:${space(next)}${value}${space(next)}`).join(',');
  const line = `${space(next)}{${body}}${space(next)}`;
  return next() < 0.01 ? line.slice(0, Math.floor(next() * line.length)) : line;
}

function randomInput(count: number, seed: number): string {
  const next = random(seed);
  const lines: string[] = [];
  let time = String(base);
  for (let index = 0; index < count; index++) {
    if (next() < 0.3) time = pick(next, times);
    lines.push(randomLine(next, time));
  }
  return lines.join('\n') + '\n';
}

function parts(data: string, rollup: boolean, maxRowsInMemory: number, general: boolean): SpecParts {
  const dimensions = fields.filter((field) => field.kind === 'string').map((field) => field.name);
  return {
    inputSource: { type: 'inline', data },
    inputFormat: { type: 'json' },
    timestampSpec: { column: 'ts', format: 'auto' },
    dimensionsSpec: { dimensions: [...dimensions, { type: 'long', name: 'level' }] },
    metricsSpec: [
      { type: 'count', name: 'count' },
      { type: 'doubleSum', name: 'v', fieldName: 'v' },
      { type: 'longSum', name: 'value12', fieldName: 'value12' },
      { type: 'doubleMax', name: 'usage', fieldName: 'usage_guest_nice' },
      { type: 'floatSum', name: 'usage_float', fieldName: 'usage_guest_nice' },
      { type: 'doubleMin', name: 'level_min', fieldName: 'level' },
    ],
    granularitySpec: { segmentGranularity: 'day', queryGranularity: rollup ? 'hour' : 'none', rollup },
    tuningConfig: { maxRowsInMemory, maxParseExceptions: 1_000_000, maxSavedParseExceptions: 100_000 },
    ...(general ? { transformSpec: { transforms: [{ type: 'expression', name: 'unused_field', expression: '1' }] } } : {}),
  };
}

async function assertSameOutcome(t: TestContext, data: string, rollup: boolean, maxRowsInMemory: number, label: string): Promise<void> {
  const fast = await ingest(t, parts(data, rollup, maxRowsInMemory, false));
  const general = await ingest(t, parts(data, rollup, maxRowsInMemory, true));
  assert.deepEqual(fast.rowStats, general.rowStats, `${label} row stats`);
  assert.deepEqual(fast.parseExceptions, general.parseExceptions, `${label} messages`);
  assert.deepEqual(fast.segments.map((segment) => segment.info), general.segments.map((segment) => segment.info), `${label} segments`);
  assert.deepEqual(await readAllRows(fast), await readAllRows(general), `${label} rows`);
}

for (const rollup of [false, true]) {
  test(`fast JSON path matches keys and values exactly as the general path reads them (rollup ${rollup})`, async (t) => {
    for (let seed = 1; seed <= 3; seed++) {
      const data = randomInput(2500, seed * 101 + (rollup ? 13 : 0));
      for (const maxRowsInMemory of [1_000_000, 113]) await assertSameOutcome(t, data, rollup, maxRowsInMemory, `seed ${seed} max ${maxRowsInMemory}`);
    }
  });
}

test('fast JSON path keeps working past the interned-key limit (a new unknown key on every line)', async (t) => {
  const next = random(77);
  const lines = Array.from({ length: 5_000 }, (_, index) => {
    const unknown = `k${index}_${Math.floor(next() * 1e6)}`;
    return `{"ts":${base + (index % 7) * 1000},"${unknown}":"u","host":"${pick(next, ['h1', 'h2', 'host_123'])}","v":${index % 13},"level":${index % 3}}`;
  });
  await assertSameOutcome(t, lines.join('\n'), false, 1_000_000, 'unique keys');
});

test('fast JSON path reuses a repeated numeric time but never confuses 0 and -0', async (t) => {
  const times = ['0', '0', '-0', '-0', '0', String(base), String(base), '-0'];
  const data = times.map((time, index) => `{"ts":${time},"host":"h","v":${index}}`).join('\n');
  await assertSameOutcome(t, data, false, 1_000_000, 'zero times');
  const result = await ingest(t, parts(data, false, 1_000_000, false));
  const rows = await readAllRows(result);
  assert.equal(rows.length, times.length);
  assert.deepEqual(rows.map((row) => row['v']).sort((left, right) => Number(left) - Number(right)), [0, 1, 2, 3, 4, 5, 6, 7]);
});
