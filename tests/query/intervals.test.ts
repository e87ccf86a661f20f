// Interval parsing (all of Druid's ISO-8601 forms), condensing, formatting, clamping, and errors;
// plus timestamp parsing and zone-aware formatting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SedimentError } from '../../cluster/errors.js';
import { ETERNITY, formatInterval, parseInterval, parseIntervals } from '../../query/intervals.js';
import { formatTimestamp, parseTimestamp } from '../../query/time-format.js';

const text = (json: unknown): string[] => parseIntervals(json, 'intervals').map(formatInterval);

test('start/end, start/period and period/end', () => {
  assert.equal(formatInterval(parseInterval('2015-09-12/2015-09-13', 'i')), '2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z');
  assert.equal(formatInterval(parseInterval('2015-09-12/P1D', 'i')), '2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z');
  assert.equal(formatInterval(parseInterval('P1M/2015-03-31', 'i')), '2015-02-28T00:00:00.000Z/2015-03-31T00:00:00.000Z');
  assert.equal(formatInterval(parseInterval('2016-01-31T10:00Z/P1M', 'i')), '2016-01-31T10:00:00.000Z/2016-02-29T10:00:00.000Z');
  assert.equal(formatInterval(parseInterval('2015-09-12T10:30:00.5+05:30/PT1H30M', 'i')), '2015-09-12T05:00:00.500Z/2015-09-12T06:30:00.500Z');
  assert.equal(formatInterval(parseInterval('2015/2016', 'i')), '2015-01-01T00:00:00.000Z/2016-01-01T00:00:00.000Z');
  assert.equal(formatInterval(parseInterval('2015-09-12T10/2015-09-12T11:15', 'i')), '2015-09-12T10:00:00.000Z/2015-09-12T11:15:00.000Z');
  assert.equal(formatInterval(parseInterval('2015-W37-6/2015-256', 'i')), '2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z');
  assert.deepEqual(parseInterval('1969-12-31T23:00:00-01:00/1970-01-01T00:00:00.001Z', 'i'), { startMs: 0, endMs: 1 });
});

test("Druid's eternity and far instants clamp to the JavaScript Date range", () => {
  assert.deepEqual(parseInterval('-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z', 'i'), ETERNITY);
  assert.deepEqual(parseInterval('1000/3000', 'i'), { startMs: Date.UTC(1000, 0, 1), endMs: Date.UTC(3000, 0, 1) });
  assert.equal(parseInterval('275000-01-01/P10000Y', 'i').endMs, ETERNITY.endMs);
});

test('parseIntervals accepts a string, a list, or {type: intervals} and condenses', () => {
  assert.deepEqual(text('2015-01-01/2015-01-02'), ['2015-01-01T00:00:00.000Z/2015-01-02T00:00:00.000Z']);
  assert.deepEqual(text(['2016/2017', '2015-01-02/2015-01-03', '2015-01-01/2015-01-02', '2015-01-02T12:00Z/2015-01-02T13:00Z']), [
    '2015-01-01T00:00:00.000Z/2015-01-03T00:00:00.000Z',
    '2016-01-01T00:00:00.000Z/2017-01-01T00:00:00.000Z',
  ]);
  assert.deepEqual(text({ type: 'intervals', intervals: ['2015-01-05/2015-01-06', '2015-01-01/2015-01-02'] }), [
    '2015-01-01T00:00:00.000Z/2015-01-02T00:00:00.000Z',
    '2015-01-05T00:00:00.000Z/2015-01-06T00:00:00.000Z',
  ]);
});

test('randomized: condensed intervals cover exactly the points the inputs cover', () => {
  let state = 99;
  const next = (limit: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % limit;
  };
  for (let round = 0; round < 300; round++) {
    const inputs = Array.from({ length: 1 + next(6) }, () => {
      const start = next(50);
      return [start, start + next(10)] as const;
    });
    const condensed = parseIntervals(inputs.map(([start, end]) => `${new Date(start).toISOString()}/${new Date(end).toISOString()}`), 'i');
    for (let index = 1; index < condensed.length; index++) assert.ok(condensed[index - 1]!.endMs < condensed[index]!.startMs);
    for (let point = 0; point < 65; point++) {
      const expected = inputs.some(([start, end]) => point >= start && point < end);
      const actual = condensed.some((interval) => point >= interval.startMs && point < interval.endMs);
      assert.equal(actual, expected, `point ${point} in ${JSON.stringify(inputs)}`);
    }
  }
});

test('bad intervals name the field', () => {
  const cases: [unknown, string][] = [
    ['2015-01-02/2015-01-01', 'intervals'],
    ['2015-02-30/2015-03-01', 'intervals'],
    ['2015-01-01', 'intervals'],
    ['2015-01-01/P1X', 'intervals'],
    [['2015/2016', 'yesterday/today'], 'intervals[1]'],
    [{ type: 'intervals', intervals: '2015/2016' }, 'intervals.intervals'],
    [{ type: 'other' }, 'intervals.type'],
    [17, 'intervals'],
  ];
  for (const [json, field] of cases) {
    assert.throws(
      () => parseIntervals(json, 'intervals'),
      (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && error.message.startsWith(`${field}:`),
      JSON.stringify(json),
    );
  }
});

test('timestamps parse as ISO-8601 and format with milliseconds, in a zone when asked', () => {
  assert.equal(parseTimestamp('2015-09-12T00:00:00.000Z'), Date.UTC(2015, 8, 12));
  assert.equal(parseTimestamp('2015-09-12T01:02:03.4-07:00'), Date.UTC(2015, 8, 12, 8, 2, 3, 400));
  assert.equal(parseTimestamp('2015-09-12T01:02+0530'), Date.UTC(2015, 8, 11, 19, 32));
  assert.equal(parseTimestamp('2015-09-12 01:02'), null);
  assert.equal(parseTimestamp('1442016000000'), null);
  assert.equal(parseTimestamp('2015-13-01'), null);
  assert.equal(parseTimestamp('2016-02-29T24:00'), null);
  assert.equal(formatTimestamp(Date.UTC(2015, 8, 12)), '2015-09-12T00:00:00.000Z');
  assert.equal(formatTimestamp(Date.UTC(2015, 8, 12, 7), 'America/Los_Angeles'), '2015-09-12T00:00:00.000-07:00');
  assert.equal(formatTimestamp(Date.UTC(2015, 0, 12), 'Europe/London'), '2015-01-12T00:00:00.000Z');
  assert.equal(formatTimestamp(Date.UTC(2015, 0, 12), '+05:30'), '2015-01-12T05:30:00.000+05:30');
});
