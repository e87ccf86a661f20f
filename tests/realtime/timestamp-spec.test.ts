import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimestampSpec } from '../../realtime/timestamp-spec.js';
import { ingest, jsonLines, readAllRows } from './ingestion-fixtures.js';

const instant = Date.UTC(2021, 2, 4, 5, 6, 7, 890);

// [format, input value, expected ms or null]
const cases: [string | undefined, unknown, number | null][] = [
  [undefined, '2021-03-04T05:06:07.890Z', instant],
  ['auto', '2021-03-04T05:06:07.890Z', instant],
  ['auto', '2021-03-04T06:06:07.890+01:00', instant],
  ['auto', '2021-03-04 05:06:07.890', instant],
  ['auto', '2021-03-04', Date.UTC(2021, 2, 4)],
  ['auto', instant, instant],
  ['auto', String(instant), instant],
  ['auto', 'yesterday', null],
  ['auto', true, null],
  ['iso', '2021-03-04T05:06:07.890Z', instant],
  ['iso', '2021-03-04T05:06:07.890123Z', instant],
  ['iso', '2021-02-30T00:00:00Z', null],
  ['iso', 12, null],
  ['millis', instant, instant],
  ['millis', String(instant), instant],
  ['millis', 'abc', null],
  ['posix', Math.floor(instant / 1000), instant - 890],
  ['posix', String(Math.floor(instant / 1000)), instant - 890],
  ['ruby', 1614834367.5, Date.UTC(2021, 2, 4, 5, 6, 7, 500)],
  ['micro', instant * 1000 + 123, instant],
  ['nano', `${instant}123456`, instant],
  ['nano', '-1', -1],
  ['yyyy-MM-dd HH:mm:ss', '2021-03-04 05:06:07', instant - 890],
  ['dd/MMM/yyyy:HH:mm:ss Z', '04/Mar/2021:06:06:07 +0100', instant - 890],
  ["yyyy-MM-dd'T'HH:mm:ss.SSSZZ", '2021-03-04T05:06:07.890+00:00', instant],
  ['yyyyMMdd', '20210304', Date.UTC(2021, 2, 4)],
  ['MM/dd/yyyy hh:mm a', '03/04/2021 05:06 PM', Date.UTC(2021, 2, 4, 17, 6)],
  ['yyyy-MM-dd', 'not a date', null],
];

for (const [format, input, expected] of cases) {
  test(`timestampSpec format ${format ?? '(default)'} reads ${JSON.stringify(input)}`, () => {
    const spec = parseTimestampSpec(format === undefined ? {} : { format }, 'timestampSpec');
    assert.equal(spec.column, 'timestamp');
    assert.equal(spec.parse(input), expected);
  });
}

test('an unsupported Joda letter is invalid input naming the format field', () => {
  assert.throws(() => parseTimestampSpec({ format: 'yyyy-MM-dd QQ' }, 'spec.dataSchema.timestampSpec'), /spec\.dataSchema\.timestampSpec\.format.*'Q'/);
});

test('missingValue fills absent timestamps; without it they are unparseable', async (t) => {
  const data = jsonLines([{ when: '2021-03-04T00:00:00Z', v: 'a' }, { v: 'b' }, { when: null, v: 'c' }]);
  const withDefault = await ingest(t, {
    inputSource: { type: 'inline', data },
    inputFormat: { type: 'json' },
    timestampSpec: { column: 'when', format: 'iso', missingValue: '2000-01-01T00:00:00Z' },
  });
  assert.deepEqual((await readAllRows(withDefault)).map((row) => [row['__time'], row['v']]), [
    [Date.UTC(2000, 0, 1), 'b'],
    [Date.UTC(2000, 0, 1), 'c'],
    [Date.UTC(2021, 2, 4), 'a'],
  ]);
  const without = await ingest(t, { inputSource: { type: 'inline', data }, inputFormat: { type: 'json' }, timestampSpec: { column: 'when' } });
  assert.equal(without.rowStats.unparseable, 2);
  assert.deepEqual(without.parseExceptions, [
    'Timestamp[null] is unparseable! Event: {"v":"b"} (inline, line 2)',
    'Timestamp[null] is unparseable! Event: {"when":null,"v":"c"} (inline, line 3)',
  ]);
});
