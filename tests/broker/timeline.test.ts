import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { Timeline, condenseIntervals } from '../../broker/timeline.js';
import { segmentRecord } from '../cluster/segment-record-fixture.js';

const gridSize = 24;

/** Brute force: walk every grid cell [t, t+1); the highest version covering it wins. */
function referenceLookup(records: readonly SegmentRecord[], dataSource: string, intervals: readonly TimeInterval[]) {
  const visibleCells = new Map<string, { record: SegmentRecord; cells: number[] }>();
  for (let cell = -1; cell <= gridSize + 1; cell++) {
    if (!intervals.some((interval) => interval.startMs <= cell && cell + 1 <= interval.endMs)) continue;
    const covering = records.filter(
      (record) => record.dataSource === dataSource && record.interval.startMs <= cell && cell + 1 <= record.interval.endMs,
    );
    if (covering.length === 0) continue;
    const highest = covering.map((record) => record.version).sort().at(-1);
    for (const record of covering.filter((candidate) => candidate.version === highest)) {
      const entry = visibleCells.get(record.id) ?? { record, cells: [] };
      entry.cells.push(cell);
      visibleCells.set(record.id, entry);
    }
  }
  const result = [...visibleCells.values()].map(({ record, cells }) => {
    const merged: TimeInterval[] = [];
    for (const cell of cells) {
      const last = merged.at(-1);
      if (last !== undefined && last.endMs === cell) merged[merged.length - 1] = { startMs: last.startMs, endMs: cell + 1 };
      else merged.push({ startMs: cell, endMs: cell + 1 });
    }
    return { record, intervals: merged };
  });
  return result.sort(
    (a, b) =>
      a.intervals[0]!.startMs - b.intervals[0]!.startMs ||
      a.record.partition - b.record.partition ||
      (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0),
  );
}

function seededRandom(seed: number): (limit: number) => number {
  let state = seed >>> 0;
  return (limit) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return Math.floor((state / 2 ** 32) * limit);
  };
}

describe('Timeline', () => {
  it('lets a higher version overshadow a lower one only where it covers it', () => {
    const timeline = new Timeline();
    const day = segmentRecord({ startMs: 0, endMs: 24, version: 'v1' });
    const dayPartition = segmentRecord({ startMs: 0, endMs: 24, version: 'v1', partition: 1 });
    const hours = segmentRecord({ startMs: 6, endMs: 12, version: 'v2' });
    for (const record of [day, dayPartition, hours]) timeline.add(record);
    assert.deepEqual(timeline.lookup('wikipedia', [{ startMs: 2, endMs: 20 }]), [
      { record: day, intervals: [{ startMs: 2, endMs: 6 }, { startMs: 12, endMs: 20 }] },
      { record: dayPartition, intervals: [{ startMs: 2, endMs: 6 }, { startMs: 12, endMs: 20 }] },
      { record: hours, intervals: [{ startMs: 6, endMs: 12 }] },
    ]);
    const fullDay = segmentRecord({ startMs: 0, endMs: 24, version: 'v3' });
    timeline.add(fullDay);
    assert.deepEqual(timeline.segments('wikipedia'), [fullDay]);
    assert.deepEqual(timeline.lookup('wikipedia', [{ startMs: 30, endMs: 40 }]), []);
    assert.deepEqual(timeline.lookup('nope', [{ startMs: 0, endMs: 40 }]), []);
    assert.equal(timeline.remove(fullDay.id), true);
    assert.equal(timeline.remove(fullDay.id), false);
    assert.deepEqual(timeline.segments('wikipedia'), [day, dayPartition, hours]);
    assert.deepEqual(timeline.dataSources(), ['wikipedia']);
    for (const record of [day, dayPartition, hours]) timeline.remove(record.id);
    assert.deepEqual(timeline.dataSources(), []);
  });

  it('condenses overlapping query intervals', () => {
    assert.deepEqual(
      condenseIntervals([{ startMs: 5, endMs: 9 }, { startMs: 0, endMs: 2 }, { startMs: 2, endMs: 3 }, { startMs: 6, endMs: 7 }, { startMs: 4, endMs: 4 }]),
      [{ startMs: 0, endMs: 3 }, { startMs: 5, endMs: 9 }],
    );
    const timeline = new Timeline();
    const record = segmentRecord({ startMs: 0, endMs: 10, version: 'v1' });
    timeline.add(record);
    assert.deepEqual(timeline.lookup('wikipedia', [{ startMs: 4, endMs: 8 }, { startMs: 1, endMs: 5 }, { startMs: 8, endMs: 9 }]), [
      { record, intervals: [{ startMs: 1, endMs: 9 }] },
    ]);
  });

  it('matches a brute-force reference on random overshadowing', () => {
    const random = seededRandom(20_240_601);
    for (let trial = 0; trial < 300; trial++) {
      const timeline = new Timeline();
      let records: SegmentRecord[] = [];
      const count = 1 + random(12);
      for (let index = 0; index < count; index++) {
        const startMs = random(gridSize);
        const record = segmentRecord({
          dataSource: random(5) === 0 ? 'other' : 'wikipedia',
          startMs,
          endMs: startMs + 1 + random(gridSize - startMs),
          version: `v${random(4)}`,
          partition: index,
        });
        timeline.add(record);
        records.push(record);
      }
      for (let removal = random(3); removal > 0 && records.length > 0; removal--) {
        const victim = records[random(records.length)]!;
        timeline.remove(victim.id);
        records = records.filter((record) => record !== victim);
      }
      for (let query = 0; query < 5; query++) {
        const intervals: TimeInterval[] = [];
        for (let part = 1 + random(3); part > 0; part--) {
          const startMs = random(gridSize + 2) - 1;
          intervals.push({ startMs, endMs: startMs + random(12) });
        }
        const actual = timeline.lookup('wikipedia', intervals);
        assert.deepEqual(actual, referenceLookup(records, 'wikipedia', intervals), `trial ${trial} query ${JSON.stringify(intervals)}`);
      }
      const everything = referenceLookup(records, 'wikipedia', [{ startMs: -1, endMs: gridSize + 2 }]).map((entry) => entry.record.id);
      assert.deepEqual(timeline.segments('wikipedia').map((record) => record.id).sort(), everything.sort(), `trial ${trial}`);
    }
  });
});
