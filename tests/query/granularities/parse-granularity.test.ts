// Granularities: hand-worked bucket starts (UTC names, origins, zones across daylight saving),
// randomized checks against plain reference arithmetic, the tiling contract, and parse errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SedimentError } from '../../../cluster/errors.js';
import { bucketBoundaries, parseGranularity } from '../../../query/granularities/parse-granularity.js';
import type { Granularity } from '../../../query/granularity.js';

const ms = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function boundaries(granularity: Granularity, startIso: string, endIso: string): string[] {
  return bucketBoundaries(granularity, { startMs: ms(startIso), endMs: ms(endIso) }).map((t) => granularity.format(t));
}

test('simple names bucket in UTC', () => {
  const t = ms('2015-09-12T13:47:31.123Z'); // a Saturday
  const expected: Record<string, string> = {
    none: '2015-09-12T13:47:31.123Z',
    second: '2015-09-12T13:47:31.000Z',
    minute: '2015-09-12T13:47:00.000Z',
    five_minute: '2015-09-12T13:45:00.000Z',
    ten_minute: '2015-09-12T13:40:00.000Z',
    fifteen_minute: '2015-09-12T13:45:00.000Z',
    thirty_minute: '2015-09-12T13:30:00.000Z',
    hour: '2015-09-12T13:00:00.000Z',
    six_hour: '2015-09-12T12:00:00.000Z',
    eight_hour: '2015-09-12T08:00:00.000Z',
    day: '2015-09-12T00:00:00.000Z',
    week: '2015-09-07T00:00:00.000Z',
    month: '2015-09-01T00:00:00.000Z',
    quarter: '2015-07-01T00:00:00.000Z',
    year: '2015-01-01T00:00:00.000Z',
  };
  for (const [name, bucket] of Object.entries(expected)) {
    const granularity = parseGranularity(name.toUpperCase(), 'granularity');
    assert.equal(granularity.format(granularity.bucketStart(t)), bucket, name);
  }
  const all = parseGranularity('all', 'granularity');
  assert.equal(all.isAll, true);
  assert.equal(all.bucketStart(t), Number.NEGATIVE_INFINITY);
  assert.equal(parseGranularity({ type: 'none' }, 'granularity').isNone, true);
});

test('next steps to the following bucket, including calendar months', () => {
  const month = parseGranularity('month', 'granularity');
  assert.equal(month.next(ms('2016-01-01T00:00:00Z')), ms('2016-02-01T00:00:00Z'));
  assert.equal(month.next(ms('2016-12-01T00:00:00Z')), ms('2017-01-01T00:00:00Z'));
  assert.deepEqual(boundaries(parseGranularity('quarter', 'g'), '2015-02-09', '2015-09-22'), [
    '2015-01-01T00:00:00.000Z',
    '2015-04-01T00:00:00.000Z',
    '2015-07-01T00:00:00.000Z',
  ]);
});

test('period granularities with a time zone follow local days across daylight saving', () => {
  const losAngelesDay = parseGranularity({ type: 'period', period: 'P1D', timeZone: 'America/Los_Angeles' }, 'g');
  assert.deepEqual(boundaries(losAngelesDay, '2013-11-02T12:00:00Z', '2013-11-05T00:00:00Z'), [
    '2013-11-02T00:00:00.000-07:00',
    '2013-11-03T00:00:00.000-07:00',
    '2013-11-04T00:00:00.000-08:00',
  ]);
  // Druid's documented example: P2D in Los Angeles buckets at 2013-08-31 and 2013-09-02 local midnight.
  const twoDays = parseGranularity({ type: 'period', period: 'P2D', timeZone: 'America/Los_Angeles' }, 'g');
  assert.deepEqual(boundaries(twoDays, '2013-08-31T07:00:00Z', '2013-09-03T00:00:00Z'), [
    '2013-08-31T00:00:00.000-07:00',
    '2013-09-02T00:00:00.000-07:00',
  ]);
  const kolkataHour = parseGranularity({ type: 'period', period: 'PT1H', timeZone: 'Asia/Kolkata' }, 'g');
  assert.equal(kolkataHour.format(kolkataHour.bucketStart(ms('2013-11-02T12:10:00Z'))), '2013-11-02T17:00:00.000+05:30');
  const parisWeek = parseGranularity({ type: 'period', period: 'P1W', timeZone: 'Europe/Paris' }, 'g');
  assert.equal(parisWeek.format(parisWeek.bucketStart(ms('2015-09-12T23:30:00Z'))), '2015-09-07T00:00:00.000+02:00');
  const tokyoMonth = parseGranularity({ type: 'period', period: 'P1M', timeZone: 'Asia/Tokyo' }, 'g');
  assert.equal(tokyoMonth.format(tokyoMonth.bucketStart(ms('2015-08-31T16:00:00Z'))), '2015-09-01T00:00:00.000+09:00');
});

test('origins shift bucket alignment', () => {
  const duration = parseGranularity({ type: 'duration', duration: 2 * HOUR, origin: '2015-01-01T01:00:00Z' }, 'g');
  assert.deepEqual(boundaries(duration, '2015-01-01T00:00:00Z', '2015-01-01T05:00:00Z'), [
    '2014-12-31T23:00:00.000Z',
    '2015-01-01T01:00:00.000Z',
    '2015-01-01T03:00:00.000Z',
  ]);
  const monthEnd = parseGranularity({ type: 'period', period: 'P1M', origin: '2015-01-31T00:00:00Z' }, 'g');
  assert.deepEqual(boundaries(monthEnd, '2015-01-31', '2015-05-01'), [
    '2015-01-31T00:00:00.000Z',
    '2015-02-28T00:00:00.000Z',
    '2015-03-31T00:00:00.000Z',
    '2015-04-30T00:00:00.000Z',
  ]);
  const weekFromThursday = parseGranularity({ type: 'period', period: 'P7D', origin: '2015-09-10T00:00:00Z' }, 'g');
  assert.equal(weekFromThursday.format(weekFromThursday.bucketStart(ms('2015-09-09T12:00:00Z'))), '2015-09-03T00:00:00.000Z');
});

test('randomized: fixed and monthly UTC buckets match reference arithmetic', () => {
  const next = random(42);
  const widths: [unknown, number][] = [
    ['minute', MINUTE],
    ['fifteen_minute', 15 * MINUTE],
    ['hour', HOUR],
    ['six_hour', 6 * HOUR],
    ['day', DAY],
    [{ type: 'duration', duration: 7 * MINUTE + 13 }, 7 * MINUTE + 13],
    [{ type: 'period', period: 'PT1H30M' }, 90 * MINUTE],
  ];
  for (let index = 0; index < 5000; index++) {
    const t = Math.floor((next() - 0.3) * 4e12);
    for (const [json, width] of widths) {
      const granularity = parseGranularity(json, 'g');
      assert.equal(granularity.bucketStart(t), t - (((t % width) + width) % width), `${JSON.stringify(json)} at ${t}`);
    }
    const date = new Date(t);
    const week = parseGranularity('week', 'g');
    const mondayOffset = (date.getUTCDay() + 6) % 7;
    assert.equal(week.bucketStart(t), Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - mondayOffset));
    const quarter = parseGranularity('quarter', 'g');
    assert.equal(quarter.bucketStart(t), Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - (date.getUTCMonth() % 3), 1));
    const twoYears = parseGranularity({ type: 'period', period: 'P2Y' }, 'g');
    const year = date.getUTCFullYear();
    assert.equal(twoYears.bucketStart(t), Date.UTC(year - (((year - 1970) % 2) + 2) % 2, 0, 1));
  }
});

test('randomized: buckets tile the time line for every kind of granularity', () => {
  const next = random(7);
  const specs: unknown[] = [
    'hour',
    'week',
    'month',
    'year',
    { type: 'period', period: 'P1D', timeZone: 'America/New_York' },
    { type: 'period', period: 'P3D', timeZone: 'Europe/London', origin: '2012-03-25T00:30:00Z' },
    { type: 'period', period: 'P1M', timeZone: 'Australia/Sydney' },
    { type: 'period', period: 'P1DT12H', timeZone: 'America/New_York' },
    { type: 'period', period: 'PT2H', timeZone: 'Asia/Kathmandu' },
    { type: 'period', period: 'P1Y6M' },
  ];
  for (const spec of specs) {
    const granularity = parseGranularity(spec, 'g');
    for (let index = 0; index < 400; index++) {
      const t = Math.floor(next() * 2e12);
      const start = granularity.bucketStart(t);
      const end = granularity.next(start);
      const context = `${JSON.stringify(spec)} at ${new Date(t).toISOString()}`;
      assert.ok(start <= t && t < end, context);
      assert.equal(granularity.bucketStart(end), end, context);
      assert.equal(granularity.bucketStart(end - 1), start, context);
    }
  }
});

test('bucketBoundaries covers the interval and is bounded', () => {
  const hour = parseGranularity('hour', 'g');
  assert.deepEqual(bucketBoundaries(hour, { startMs: ms('2015-01-01T00:30:00Z'), endMs: ms('2015-01-01T02:00:00Z') }), [
    ms('2015-01-01T00:00:00Z'),
    ms('2015-01-01T01:00:00Z'),
  ]);
  assert.deepEqual(bucketBoundaries(hour, { startMs: 5, endMs: 5 }), []);
  assert.deepEqual(bucketBoundaries(parseGranularity('all', 'g'), { startMs: 5, endMs: 10 }), [5]);
  assert.throws(
    () => bucketBoundaries(parseGranularity('second', 'g'), { startMs: 0, endMs: 365 * DAY }),
    (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input',
  );
});

test('bad granularities name the field', () => {
  const cases: [unknown, string][] = [
    ['fortnight', 'granularity'],
    [{ type: 'period', period: 'P0D' }, 'granularity.period'],
    [{ type: 'period', period: 'xyz' }, 'granularity.period'],
    [{ type: 'period', period: 'P1D', timeZone: 'Mars/Olympus' }, 'granularity.timeZone'],
    [{ type: 'period', period: 'P1D', origin: 'yesterday' }, 'granularity.origin'],
    [{ type: 'duration', duration: -5 }, 'granularity.duration'],
    [{ type: 'weird' }, 'granularity.type'],
    [42, 'granularity'],
  ];
  for (const [json, field] of cases) {
    assert.throws(
      () => parseGranularity(json, 'granularity'),
      (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && error.message.startsWith(`${field}:`),
      JSON.stringify(json),
    );
  }
});
