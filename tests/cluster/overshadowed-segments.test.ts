import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { overshadowedSegmentIds } from '../../cluster/overshadowed-segments.js';
import { segmentRecord } from '../cluster/segment-record-fixture.js';

/** Brute force over unit grid cells: every cell of the candidate lies in some higher-version segment. */
function referenceOvershadowed(records: readonly SegmentRecord[]): string[] {
  return records
    .filter((candidate) => {
      for (let cell = candidate.interval.startMs; cell < candidate.interval.endMs; cell++) {
        const covered = records.some(
          (other) =>
            other.dataSource === candidate.dataSource &&
            other.version > candidate.version &&
            other.interval.startMs <= cell &&
            cell + 1 <= other.interval.endMs,
        );
        if (!covered) return false;
      }
      return true;
    })
    .map((record) => record.id)
    .sort();
}

describe('overshadowedSegmentIds', () => {
  it('needs higher versions to cover the whole interval, possibly together', () => {
    const old = segmentRecord({ startMs: 0, endMs: 10, version: 'v1' });
    const left = segmentRecord({ startMs: 0, endMs: 6, version: 'v2' });
    const right = segmentRecord({ startMs: 6, endMs: 10, version: 'v3' });
    const sameVersion = segmentRecord({ startMs: 0, endMs: 10, version: 'v1', partition: 1 });
    assert.deepEqual([...overshadowedSegmentIds([old], [old, left])], []);
    assert.deepEqual([...overshadowedSegmentIds([old], [old, left, right])], [old.id]);
    assert.deepEqual([...overshadowedSegmentIds([old], [old, sameVersion])], []);
    assert.deepEqual([...overshadowedSegmentIds([old], [segmentRecord({ dataSource: 'other', startMs: 0, endMs: 10, version: 'v9' })])], []);
  });

  it('matches a brute-force reference on random segments', () => {
    let state = 12_345;
    const random = (limit: number): number => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return Math.floor((state / 2 ** 32) * limit);
    };
    for (let trial = 0; trial < 400; trial++) {
      const records: SegmentRecord[] = [];
      for (let index = 0, count = 1 + random(14); index < count; index++) {
        const startMs = random(20);
        records.push(segmentRecord({
          dataSource: random(4) === 0 ? 'b' : 'a',
          startMs,
          endMs: startMs + 1 + random(8),
          version: `v${random(5)}`,
          partition: index,
        }));
      }
      assert.deepEqual([...overshadowedSegmentIds(records, records)].sort(), referenceOvershadowed(records), `trial ${trial}`);
    }
  });
});
