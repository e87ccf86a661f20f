// The realtime role's announcements through discovery: pieces announced once, handoff learnt from a
// historical's announcement, and a handed-off piece kept announced for the grace period only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerAnnouncement } from '../../../cluster/discovery.js';
import { DiscoveryServedSegments } from '../../../cluster/discovery-served-segments.js';
import { InProcessDiscovery } from '../../../cluster/in-process-discovery.js';
import type { SegmentRecord } from '../../../cluster/metadata-store.js';
import { RealtimePieceAnnouncer } from '../../../cli/roles/realtime-piece-announcer.js';
import { AnnouncementHandoffWatcher } from '../../../realtime/stream/handoff-watcher.js';
import { RealtimeSegments } from '../../../realtime/stream/realtime-segments.js';
import { segmentFromRows } from '../../../segment-format/in-memory-segment.js';
import { segmentRecord } from '../../cluster/segment-record-fixture.js';

const graceMs = 60;

function server(id: string, role: ServerAnnouncement['role']): ServerAnnouncement {
  return { id, role, host: 'localhost', port: 1, tier: '_default_tier', maxSizeBytes: 0 };
}

function pieceOf(record: SegmentRecord, number: number): SegmentRecord {
  return { ...record, id: `${record.id}#realtime-${number}`, deepStorageKey: '', sizeBytes: 0 };
}

const emptySegment = segmentFromRows(
  { dataSource: 'wikipedia', interval: { startMs: 0, endMs: 10 }, version: 'v1', partition: 0, rollup: false, queryGranularity: { type: 'none' }, dimensions: [], metrics: [] },
  [],
  [],
);

function announcedIds(discovery: InProcessDiscovery, serverId: string): string[] {
  return discovery.segmentsOf(serverId).map((record) => record.id).sort();
}

describe('RealtimePieceAnnouncer', () => {
  it('announces pieces, keeps a handed-off piece for the grace period and drops others at once', async () => {
    const discovery = new InProcessDiscovery();
    const pieces = new RealtimeSegments();
    const historicals = new DiscoveryServedSegments(discovery, 'historical');
    const handoff = new AnnouncementHandoffWatcher(historicals);
    const announcer = new RealtimePieceAnnouncer(discovery, pieces, server('realtime@r', 'realtime'), { servedByHistorical: (id) => historicals.isServed(id), handoffGraceMs: graceMs, log: { warn: () => undefined } });
    const early = pieceOf(segmentRecord({ startMs: 0, endMs: 10, version: 'v0' }), 0);
    pieces.announce(early, () => emptySegment);
    await announcer.start();
    assert.deepEqual(discovery.servers('realtime').map((announced) => announced.id), ['realtime@r']);
    assert.deepEqual(announcedIds(discovery, 'realtime@r'), [early.id], 'pieces served before start are announced');

    const published = segmentRecord({ startMs: 0, endMs: 10, version: 'v1' });
    const abandoned = segmentRecord({ startMs: 10, endMs: 20, version: 'v1' });
    const [piece0, piece1, other] = [pieceOf(published, 0), pieceOf(published, 1), pieceOf(abandoned, 0)];
    for (const record of [piece0, piece1, other]) pieces.announce(record, () => emptySegment);
    pieces.announce(piece0, () => emptySegment);
    assert.deepEqual(announcedIds(discovery, 'realtime@r'), [early.id, piece0.id, piece1.id, other.id].sort());

    let handedOff = 0;
    handoff.whenServed(published.id, () => {
      handedOff++;
      pieces.unannounce(piece0.id);
      pieces.unannounce(piece1.id);
    });
    await discovery.announceServer(server('historical@1', 'historical'));
    await discovery.announceSegment('realtime@r', published);
    assert.equal(handedOff, 0, 'a realtime server announcing the id is no handoff');
    await discovery.announceSegment('historical@1', published);
    assert.equal(handedOff, 1, 'handoff within the historical announcement');
    assert.equal(pieces.get(piece0.id), undefined);
    assert.ok(announcedIds(discovery, 'realtime@r').includes(piece0.id), 'still announced during the grace period');

    pieces.unannounce(other.id);
    assert.ok(!announcedIds(discovery, 'realtime@r').includes(other.id), 'a piece withdrawn without handoff goes at once');
    await new Promise((resolve) => setTimeout(resolve, graceMs * 3));
    assert.deepEqual(announcedIds(discovery, 'realtime@r'), [early.id, published.id].sort());

    await announcer.stop();
    assert.deepEqual(discovery.servers('realtime'), []);
    historicals.close();
  });
});

describe('DiscoveryServedSegments', () => {
  it('tracks the segments servers of one role announce', async () => {
    const discovery = new InProcessDiscovery();
    const record = segmentRecord({ startMs: 0, endMs: 10, version: 'v1' });
    await discovery.announceServer(server('historical@1', 'historical'));
    await discovery.announceSegment('historical@1', record);
    const served = new DiscoveryServedSegments(discovery, 'historical');
    const heard: string[] = [];
    served.onAdded((id) => heard.push(id));
    assert.equal(served.isServed(record.id), true, 'the current state is replayed');
    await discovery.announceServer(server('historical@2', 'historical'));
    await discovery.announceSegment('historical@2', record);
    assert.deepEqual(heard, [], 'a second replica is not news');
    await discovery.unannounceSegment('historical@1', record.id);
    assert.equal(served.isServed(record.id), true);
    await discovery.unannounceServer('historical@2');
    assert.equal(served.isServed(record.id), false);
    await discovery.announceServer(server('broker@1', 'broker'));
    await discovery.announceSegment('broker@1', record);
    assert.equal(served.isServed(record.id), false, 'other roles do not count');
    await discovery.announceSegment('historical@1', record);
    assert.deepEqual(heard, [record.id]);
    served.close();
    await discovery.unannounceServer('historical@1');
    await discovery.announceServer(server('historical@1', 'historical'));
    await discovery.announceSegment('historical@1', record);
    assert.deepEqual(heard, [record.id], 'nothing is heard after close');
  });
});
