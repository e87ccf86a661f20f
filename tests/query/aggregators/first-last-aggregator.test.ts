import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAggregator } from '../../../query/aggregators/parse-aggregator.js';
import {
  approximately,
  buildSegment,
  checkAggregator,
  exactly,
  float32Shortest,
  literalNumber,
  literalString,
  randomBatch,
  randomRows,
  seededRandom,
  truncateByCharacters,
  type Row,
} from './aggregator-test-data.js';

type ValueType = 'long' | 'double' | 'float' | 'string';

/** The row chosen by time: first keeps the earliest (first seen on ties), last the latest (last seen). */
function chooseRow(rows: readonly Row[], timeColumn: string, last: boolean): Row | undefined {
  let chosen: Row | undefined;
  let chosenTime = 0;
  for (const row of rows) {
    const time = row[timeColumn];
    if (time === null || time === undefined) continue;
    const t = time as number;
    if (chosen === undefined || (last ? t >= chosenTime : t < chosenTime)) {
      chosen = row;
      chosenTime = t;
    }
  }
  return chosen;
}

function valueOf(row: Row, field: string, type: ValueType, maxStringBytes: number): unknown {
  if (type === 'string') {
    const value = literalString(row, field);
    return value === null ? null : truncateByCharacters(value, maxStringBytes);
  }
  const value = literalNumber(row, field);
  if (value === null) return null;
  if (type === 'long') return Math.trunc(value) + 0;
  if (type === 'float') return float32Shortest(value);
  return value;
}

test('first/last aggregators pick the value at the earliest/latest time, nulls included', () => {
  const random = seededRandom(5);
  for (let trial = 0; trial < 4; trial++) {
    const rowCount = 40 + Math.floor(random() * 300);
    const data = buildSegment(randomRows(random, rowCount));
    const batch = randomBatch(random, rowCount, Math.floor(random() * 2 * rowCount), 1 + Math.floor(random() * 25));
    for (const type of ['long', 'double', 'float', 'string'] as const) {
      for (const which of ['First', 'Last'] as const) {
        for (const timeColumn of ['__time', 't']) {
          for (const field of ['l', 'd', 'f', 'n', 's', 'm', 'missing', '__time']) {
            const maxStringBytes = 1 + Math.floor(random() * 12);
            const json = { type: `${type}${which}`, name: 'x', fieldName: field, timeColumn, maxStringBytes };
            const factory = parseAggregator(json, 'aggregations[0]');
            const reference = (rows: readonly Row[]) => {
              const row = chooseRow(rows, timeColumn, which === 'Last');
              return row === undefined ? null : valueOf(row, field, type, maxStringBytes);
            };
            const equal = type === 'float' ? approximately(1e-6) : exactly;
            checkAggregator(factory, data, batch, reference, equal);
          }
        }
      }
    }
  }
});

test('hand-worked first/last: ties, null values and maxStringBytes', () => {
  const data = buildSegment([
    { __time: 10, s: 'early', l: null },
    { __time: 10, s: 'tie', l: 5 },
    { __time: 20, s: '日本語テキスト', l: 7 },
    { __time: 20, s: null, l: null },
  ]);
  const run = (json: object, rows: number[]) => {
    const factory = parseAggregator(json, 'aggregations[0]');
    const accumulator = factory.accumulator(data.segment);
    accumulator.aggregate(Uint32Array.from(rows), new Uint32Array(rows.length), rows.length);
    return factory.finalize(accumulator.result(0));
  };
  assert.equal(run({ type: 'stringFirst', name: 'x', fieldName: 's' }, [0, 1, 2, 3]), 'early');
  assert.equal(run({ type: 'stringFirst', name: 'x', fieldName: 's' }, [1, 0, 2, 3]), 'tie');
  // The last row (time 20, seen last) has a null value: first/last consider nulls.
  assert.equal(run({ type: 'stringLast', name: 'x', fieldName: 's' }, [0, 1, 2, 3]), null);
  assert.equal(run({ type: 'stringLast', name: 'x', fieldName: 's' }, [0, 1, 3, 2]), '日本語テキスト');
  assert.equal(run({ type: 'stringLast', name: 'x', fieldName: 's', maxStringBytes: 7 }, [2]), '日本');
  assert.equal(run({ type: 'longFirst', name: 'x', fieldName: 'l' }, [0, 1]), null);
  assert.equal(run({ type: 'longLast', name: 'x', fieldName: 'l' }, [0, 1, 2]), 7);
  assert.equal(run({ type: 'longLast', name: 'x', fieldName: 'l' }, []), null);
});

test('first/last combine keeps the earlier (first) or later (last) partial, left on ties for first', () => {
  const first = parseAggregator({ type: 'doubleFirst', name: 'x', fieldName: 'd' }, 'a');
  const last = parseAggregator({ type: 'doubleLast', name: 'x', fieldName: 'd' }, 'a');
  const early = { timeMs: 1, value: 10 };
  const late = { timeMs: 2, value: 20 };
  const lateToo = { timeMs: 2, value: 30 };
  assert.equal(first.combine(late, early), early);
  assert.equal(first.combine(early, { timeMs: 1, value: 99 }), early);
  assert.equal(last.combine(late, lateToo), lateToo);
  assert.equal(last.combine(late, early), late);
  assert.equal(first.combine(null, early), early);
  assert.equal(last.combine(late, null), late);
  assert.equal(first.finalize(null), null);
  const strings = parseAggregator({ type: 'stringLast', name: 'x', fieldName: 's' }, 'a');
  assert.deepEqual(['b', null, 'B', 'a'].sort((a, b) => strings.compare(a, b)), [null, 'B', 'a', 'b']);
});

test('first/last over ascending rows (the engine order) match the time-comparing reference, then rows going back', () => {
  const random = seededRandom(77);
  const data = buildSegment(randomRows(random, 400));
  const rowTimes = data.segment.time();
  for (const which of ['First', 'Last'] as const) {
    const factory = parseAggregator({ type: `long${which}`, name: 'x', fieldName: 'l' }, 'aggregations[0]');
    const accumulator = factory.accumulator(data.segment);
    // Ascending rows with repeats (as multi-value expansion gives), in three calls, four groups.
    const rows: number[] = [];
    for (let row = 0; row < data.segment.rowCount; row++) for (let copy = Math.floor(random() * 3); copy > 0; copy--) rows.push(row);
    const groups = rows.map(() => Math.floor(random() * 4));
    // A final call that goes back in row order, which must switch to comparing times.
    const tail = [7, 3, 350, 1];
    const allRows = [...rows, ...tail];
    const allGroups = [...groups, 0, 1, 2, 3];
    const cuts = [0, Math.floor(rows.length / 3), Math.floor((2 * rows.length) / 3), rows.length, allRows.length];
    for (let call = 0; call + 1 < cuts.length; call++) {
      const part = Uint32Array.from(allRows.slice(cuts[call], cuts[call + 1]));
      accumulator.aggregate(part, Uint32Array.from(allGroups.slice(cuts[call], cuts[call + 1])), part.length);
    }
    for (let group = 0; group < 4; group++) {
      let chosen = -1;
      allRows.forEach((row, index) => {
        if (allGroups[index] !== group) return;
        const better = chosen < 0 || (which === 'Last' ? rowTimes[row]! >= rowTimes[chosen]! : rowTimes[row]! < rowTimes[chosen]!);
        if (better) chosen = row;
      });
      const expected = chosen < 0 ? null : { timeMs: rowTimes[chosen]!, value: data.rows[chosen]!['l'] === undefined ? null : literalNumber(data.rows[chosen]!, 'l') };
      assert.deepEqual(accumulator.result(group), expected, `${which} group ${group}`);
    }
  }
});
