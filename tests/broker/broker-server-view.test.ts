import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerAnnouncement } from '../../cluster/discovery.js';
import { InProcessDiscovery } from '../../cluster/in-process-discovery.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { BrokerServerView } from '../../broker/broker-server-view.js';
import { finalSegmentIdOf } from '../../broker/realtime-piece-id.js';
import { segmentRecord } from '../cluster/segment-record-fixture.js';

function server(id: string, role: ServerAnnouncement['role']): ServerAnnouncement {
  return { id, role, host: 'localhost', port: 1, tier: '_default_tier', maxSizeBytes: 0 };
}

function pieceOf(record: SegmentRecord, number: number): SegmentRecord {
  return { ...record, id: `${record.id}#realtime-${number}`, deepStorageKey: '', sizeBytes: 0 };
}

function timelineIds(view: BrokerServerView): string[] {
  return view.timeline.allSegments('wikipedia').map((record) => record.id).sort();
}

describe('realtime piece ids', () => {
  it('names the final segment of a piece and nothing else', () => {
    assert.equal(finalSegmentIdOf('wiki_2024-01-01T00:00:00.000Z_2024-01-01T01:00:00.000Z_v1_3#realtime-12'), 'wiki_2024-01-01T00:00:00.000Z_2024-01-01T01:00:00.000Z_v1_3');
    assert.equal(finalSegmentIdOf('wiki_2024-01-01T00:00:00.000Z_2024-01-01T01:00:00.000Z_v1'), null);
    assert.equal(finalSegmentIdOf('x#realtime-'), null);
    assert.equal(finalSegmentIdOf('x#realtime-1a'), null);
    assert.equal(finalSegmentIdOf('#realtime-1'), null);
  });
});

describe('BrokerServerView with realtime servers', () => {
  it('swaps the realtime pieces of a segment for its historical copy and back', async () => {
    const discovery = new InProcessDiscovery();
    const view = new BrokerServerView(discovery);
    const final = segmentRecord({ startMs: 0, endMs: 10, version: 'v1' });
    const other = segmentRecord({ startMs: 10, endMs: 20, version: 'v1' });
    const [piece0, piece1] = [pieceOf(final, 0), pieceOf(final, 1)];
    await discovery.announceServer(server('realtime@r', 'realtime'));
    await discovery.announceServer(server('historical@1', 'historical'));
    await discovery.announceServer(server('historical@2', 'historical'));
    await discovery.announceSegment('historical@1', other);
    await discovery.announceSegment('realtime@r', piece0);
    await discovery.announceSegment('realtime@r', piece1);
    assert.deepEqual(timelineIds(view), [other.id, piece0.id, piece1.id].sort());
    assert.equal(view.timeline.lookup('wikipedia', [{ startMs: 0, endMs: 10 }]).length, 2, 'both pieces are read while not handed off');

    await discovery.announceSegment('historical@1', final);
    assert.deepEqual(timelineIds(view), [final.id, other.id].sort());
    assert.deepEqual(view.timeline.lookup('wikipedia', [{ startMs: 0, endMs: 10 }]).map((entry) => entry.record.id), [final.id]);
    assert.deepEqual(view.replicasOf(piece0.id).map((holder) => holder.id), ['realtime@r'], 'the pieces keep their replica for retries');
    assert.equal(view.servedRecord(final.id)?.id, final.id);

    await discovery.announceSegment('historical@2', final);
    await discovery.unannounceSegment('historical@1', final.id);
    assert.deepEqual(timelineIds(view), [final.id, other.id].sort(), 'one historical copy left is enough');
    await discovery.unannounceServer('historical@2');
    assert.deepEqual(timelineIds(view), [other.id, piece0.id, piece1.id].sort(), 'without any historical copy the pieces are read again');
    assert.equal(view.servedRecord(final.id), undefined);

    await discovery.announceSegment('historical@1', final);
    await discovery.unannounceSegment('realtime@r', piece0.id);
    await discovery.unannounceSegment('realtime@r', piece1.id);
    await discovery.unannounceSegment('historical@1', final.id);
    assert.deepEqual(timelineIds(view), [other.id]);
    view.close();
  });

  it('randomized announcements: the timeline holds exactly the served segments, pieces only without a served final copy', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      let state = seed;
      const random = (below: number): number => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return Math.floor((state / 2 ** 31) * below);
      };
      const discovery = new InProcessDiscovery();
      const view = new BrokerServerView(discovery);
      const finals = [0, 1, 2].map((index) => segmentRecord({ startMs: index * 10, endMs: index * 10 + 10, version: 'v1', partition: index % 2 }));
      const pieces = finals.flatMap((record) => [pieceOf(record, 0), pieceOf(record, 1)]);
      const servers = [server('historical@1', 'historical'), server('historical@2', 'historical'), server('realtime@r', 'realtime')];
      const live = new Set<string>();
      const announced = new Map<string, Set<string>>(servers.map((candidate) => [candidate.id, new Set()]));
      for (let step = 0; step < 300; step++) {
        const target = servers[random(servers.length)]!;
        const candidates = target.role === 'realtime' ? pieces : finals;
        const record = candidates[random(candidates.length)]!;
        const held = announced.get(target.id)!;
        const action = random(10);
        if (action === 0) {
          if (live.has(target.id)) {
            await discovery.unannounceServer(target.id);
            live.delete(target.id);
            held.clear();
          } else {
            await discovery.announceServer(target);
            live.add(target.id);
          }
        } else if (live.has(target.id) && action < 6) {
          await discovery.announceSegment(target.id, record);
          held.add(record.id);
        } else if (live.has(target.id)) {
          await discovery.unannounceSegment(target.id, record.id);
          held.delete(record.id);
        }
        const served = (id: string): boolean => [...announced.values()].some((ids) => ids.has(id));
        const expected = [...finals, ...pieces]
          .filter((candidate) => served(candidate.id))
          .filter((candidate) => {
            const finalId = finalSegmentIdOf(candidate.id);
            return finalId === null || !served(finalId);
          })
          .map((candidate) => candidate.id)
          .sort();
        assert.deepEqual(timelineIds(view), expected, `seed ${seed}, step ${step}`);
      }
      view.close();
    }
  });
});
