// Random segments (string, multi-value, long, double, float columns with nulls) and random filter
// JSON over them, for comparing the bitmap evaluation with the reference evaluation.
import { segmentFromRows, type ColumnSpec } from '../../../segment-format/in-memory-segment.js';
import type { ReferenceRow, RowValue } from './reference-filter.js';

export type Random = () => number;

/** Small deterministic PRNG (mulberry32) so failures reproduce from the seed. */
export function randomSource(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export const STRING_POOL: readonly (string | null)[] = ['a', 'b', 'ab', 'abc', 'B', 'ba', 'foo', 'foo bar', 'Foo', '10', '9', '2.5', '-1', '', 'a_c', 'a%c', 'é', null];
const BASE_TIME = Date.parse('2020-01-01T00:00:00.000Z');
export const TIME_SPAN_MS = 86_400_000;

export const COLUMNS: readonly ColumnSpec[] = [
  { name: 's', kind: 'string' },
  { name: 'm', kind: 'multiString' },
  { name: 'l', kind: 'long' },
  { name: 'd', kind: 'double' },
  { name: 'f', kind: 'float' },
];
export const DOUBLE_COLUMNS: ReadonlySet<string> = new Set(['d', 'f']);
const FILTERED_COLUMNS = ['s', 'm', 'l', 'd', 'f', 'missing', '__time'];

function randomMultiValue(random: Random): RowValue {
  const roll = random();
  if (roll < 0.15) return null;
  if (roll < 0.25) return [];
  if (roll < 0.45) return pick(random, STRING_POOL);
  const length = 1 + Math.floor(random() * 3);
  return Array.from({ length }, () => pick(random, STRING_POOL));
}

function nullable<T>(random: Random, make: () => T): T | null {
  return random() < 0.15 ? null : make();
}

/** Rows in time order plus their values normalized as the segment stores them. */
export function randomRows(random: Random, rowCount: number, integralFloats: boolean): { input: Record<string, unknown>[]; normalized: ReferenceRow[] } {
  const times = Array.from({ length: rowCount }, () => BASE_TIME + Math.floor(random() * TIME_SPAN_MS)).sort((a, b) => a - b);
  const input = times.map((time) => ({
    __time: time,
    s: pick(random, STRING_POOL),
    m: randomMultiValue(random),
    l: nullable(random, () => Math.floor(random() * 26) - 5),
    d: nullable(random, () => Math.floor(random() * 24) - 4 + pick(random, integralFloats ? [0, 0.5, 0.25] : [0.5, 0.25])),
    f: nullable(random, () => Math.floor(random() * 15) - 3 + pick(random, integralFloats ? [0, 0.25, 0.5, 0.75] : [0.25, 0.5, 0.75])),
  }));
  const normalized = input.map((row) => {
    const multi = row.m;
    const m: RowValue = Array.isArray(multi) ? (multi.length === 0 ? [null] : multi) : multi === null ? [null] : [multi as string];
    return { __time: row.__time, s: row.s, m, l: row.l, d: row.d, f: row.f } as ReferenceRow;
  });
  return { input, normalized };
}

/**
 * A random segment and its rows. Raw row numbers cannot tell a double 7.0 from a long 7, so
 * matchesRow tests pass `integralFloats: false` to keep double/float values non-integral.
 */
export function randomSegment(random: Random, rowCount: number, integralFloats = true) {
  const { input, normalized } = randomRows(random, rowCount, integralFloats);
  const segment = segmentFromRows(
    {
      dataSource: 'test',
      interval: { startMs: BASE_TIME, endMs: BASE_TIME + TIME_SPAN_MS },
      version: '2020-01-01T00:00:00.000Z',
      partition: 0,
      rollup: false,
      queryGranularity: 'none',
      dimensions: ['s', 'm'],
      metrics: [],
    },
    COLUMNS,
    input,
  );
  return { segment, rows: normalized };
}

function randomOperand(random: Random): string {
  const roll = random();
  if (roll < 0.5) return pick(random, STRING_POOL.filter((value): value is string => value !== null));
  if (roll < 0.8) return String(Math.floor(random() * 26) - 5);
  return String(Math.floor(random() * 24) - 4 + pick(random, [0.5, 0.25, 0.75]));
}

function randomTimeOperand(random: Random): string {
  return String(BASE_TIME + Math.floor(random() * TIME_SPAN_MS));
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

function randomLeaf(random: Random): Record<string, unknown> {
  const column = pick(random, FILTERED_COLUMNS);
  const operand = column === '__time' ? () => randomTimeOperand(random) : () => randomOperand(random);
  switch (pick(random, ['selector', 'selector', 'equals', 'null', 'in', 'bound', 'bound', 'range', 'like', 'regex', 'search', 'interval', 'true', 'false'])) {
    case 'selector':
      return { type: 'selector', dimension: column, value: random() < 0.15 ? null : operand() };
    case 'equals':
      return { type: 'equals', column, matchValueType: 'STRING', matchValue: operand() };
    case 'null':
      return { type: 'null', column };
    case 'in': {
      const values: (string | null)[] = Array.from({ length: Math.floor(random() * 4) }, operand);
      if (random() < 0.3) values.push(null);
      return { type: 'in', dimension: column, values };
    }
    case 'bound': {
      const bound: Record<string, unknown> = { type: 'bound', dimension: column, ordering: pick(random, ['lexicographic', 'numeric']) };
      const side = random();
      if (side < 0.7) bound['lower'] = operand();
      if (side > 0.3) bound['upper'] = operand();
      bound['lowerStrict'] = random() < 0.5;
      bound['upperStrict'] = random() < 0.5;
      return bound;
    }
    case 'range': {
      const numeric = random() < 0.5;
      const value = (): string | number => {
        const text = operand();
        return numeric ? (Number.isNaN(Number(text)) || text === '' ? 3 : Number(text)) : text;
      };
      const range: Record<string, unknown> = { type: 'range', column, matchValueType: numeric ? 'DOUBLE' : 'STRING' };
      const side = random();
      if (side < 0.7) range['lower'] = value();
      if (side > 0.3) range['upper'] = value();
      range['lowerOpen'] = random() < 0.5;
      range['upperOpen'] = random() < 0.5;
      return range;
    }
    case 'like':
      return random() < 0.3
        ? { type: 'like', dimension: column, pattern: pick(random, ['a\\_c', 'a\\%%', '%\\%c']), escape: '\\' }
        : { type: 'like', dimension: column, pattern: pick(random, ['a%', 'foo%', '%a%', '_', 'a_', '%.5', '1%', '', '%', 'b_%', '%r']) };
    case 'regex':
      return { type: 'regex', dimension: column, pattern: pick(random, ['^a', 'b', '\\d', '^-', '5$', 'o+ ', '^$', '\\.']) };
    case 'search':
      return { type: 'search', dimension: column, query: { type: 'insensitive_contains', value: pick(random, ['a', 'B', 'foo', '1', '.5', 'O B']) } };
    case 'interval': {
      const intervals = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const start = BASE_TIME + Math.floor(random() * TIME_SPAN_MS);
        return `${isoOf(start)}/${isoOf(start + Math.floor(random() * TIME_SPAN_MS * 0.3))}`;
      });
      return { type: 'interval', dimension: random() < 0.7 ? '__time' : column, intervals };
    }
    default:
      return { type: random() < 0.5 ? 'true' : 'false' };
  }
}

/** A random filter tree of leaves under and/or/not, up to `depth` levels of nesting. */
export function randomFilter(random: Random, depth: number): Record<string, unknown> {
  const roll = random();
  if (depth <= 0 || roll < 0.45) return randomLeaf(random);
  if (roll < 0.65) return { type: 'not', field: randomFilter(random, depth - 1) };
  const fields = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomFilter(random, depth - 1));
  return { type: roll < 0.83 ? 'and' : 'or', fields };
}
