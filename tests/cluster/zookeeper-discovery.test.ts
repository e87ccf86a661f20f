// ZookeeperDiscovery against a real ZooKeeper: announcements reach other sessions, vanish with a
// closed session, come back after ZooKeeper loses all its data, and one candidate leads at a time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Discovery, ServerAnnouncement } from '../../cluster/discovery.js';
import { InProcessDiscovery } from '../../cluster/in-process-discovery.js';
import { ZookeeperDiscovery } from '../../cluster/zookeeper-discovery.js';
import { startZookeeper, type ZookeeperServer } from '../fixtures/zookeeper-server.js';
import { segmentRecord } from './segment-record-fixture.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dayMs = 86_400_000;

function historical(port: number): ServerAnnouncement {
  return { id: `historical@localhost:${port}`, role: 'historical', host: 'localhost', port, tier: '_default_tier', maxSizeBytes: 1e9 };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function segmentIds(discovery: Discovery, serverId: string): string[] {
  return discovery.segmentsOf(serverId).map((record) => record.id).sort();
}

describe('ZookeeperDiscovery', () => {
  let zookeeper: ZookeeperServer;
  before(async () => {
    zookeeper = await startZookeeper();
  });
  after(async () => {
    await zookeeper.stop();
  });
  const open = (basePath: string) => ZookeeperDiscovery.open({ connectString: zookeeper.connectString, basePath, sessionTimeoutMs: 2_000, log: quiet });

  it('shows one process the servers and segments another announces, and forgets them when it leaves', async () => {
    const announcer = await open('/announce');
    const watcher = await open('/announce');
    const events: string[] = [];
    watcher.watch({
      serverAdded: (server) => events.push(`+server ${server.id}`),
      serverRemoved: (server) => events.push(`-server ${server.id}`),
      segmentAdded: (serverId, record) => events.push(`+segment ${record.id}`),
      segmentRemoved: (serverId, segmentId) => events.push(`-segment ${segmentId}`),
    });
    const server = historical(1);
    const day0 = segmentRecord({ startMs: 0, endMs: dayMs, version: 'v1' });
    const day1 = segmentRecord({ startMs: dayMs, endMs: 2 * dayMs, version: 'v1' });
    await announcer.announceServer(server);
    await announcer.announceSegment(server.id, day0);
    await announcer.announceSegment(server.id, day1);
    await eventually(() => segmentIds(watcher, server.id).length === 2, 'both segments');
    assert.deepEqual(watcher.servers('historical'), [server]);
    assert.deepEqual(watcher.segmentsOf(server.id).find((record) => record.id === day0.id), day0);
    await announcer.unannounceSegment(server.id, day0.id);
    await eventually(() => segmentIds(watcher, server.id).length === 1, 'the drop');
    await announcer.close();
    await eventually(() => watcher.servers().length === 0, 'the server to leave');
    assert.deepEqual(events, [`+server ${server.id}`, `+segment ${day0.id}`, `+segment ${day1.id}`, `-segment ${day0.id}`, `-segment ${day1.id}`, `-server ${server.id}`]);
    await watcher.close();
  });

  it('announces again after ZooKeeper restarts with its data wiped, and elects one leader at a time', async () => {
    const announcer = await open('/restart');
    const watcher = await open('/restart');
    const server = historical(2);
    const records = Array.from({ length: 20 }, (_, day) => segmentRecord({ startMs: day * dayMs, endMs: (day + 1) * dayMs, version: 'v1' }));
    await announcer.announceServer(server);
    for (const record of records) await announcer.announceSegment(server.id, record);
    const leadership: string[] = [];
    announcer.elect('coordinator', 'a', (isLeader) => leadership.push(`a:${isLeader}`));
    await eventually(() => leadership.includes('a:true'), 'a to lead');
    watcher.elect('coordinator', 'b', (isLeader) => leadership.push(`b:${isLeader}`));
    await eventually(() => segmentIds(watcher, server.id).length === 20, 'all segments');

    await zookeeper.restart({ wipe: true, downMs: 300 });
    // The announcer's session is unknown to the new ZooKeeper: it opens a new one and writes again.
    await eventually(() => segmentIds(watcher, server.id).length === 20 && watcher.servers().length === 1, 'the reannouncement', 30_000);
    assert.deepEqual(segmentIds(watcher, server.id), records.map((record) => record.id).sort());
    await eventually(() => leadership.filter((entry) => entry.endsWith(':true')).length >= 1, 'a leader');
    const leaders = (): string[] => ['a', 'b'].filter((name) => leadership.filter((entry) => entry.startsWith(name)).at(-1) === `${name}:true`);
    await eventually(() => leaders().length === 1, 'exactly one leader', 30_000);

    const [leader] = leaders();
    await (leader === 'a' ? announcer : watcher).close();
    const other = leader === 'a' ? 'b' : 'a';
    await eventually(() => leadership.at(-1) === `${other}:true`, 'the other to take over', 30_000);
    await (leader === 'a' ? watcher : announcer).close();
  });
});

describe('InProcessDiscovery', () => {
  it('replays the current state to a new watcher and hands leadership down the line', async () => {
    const discovery = new InProcessDiscovery();
    const server = historical(3);
    const record = segmentRecord({ startMs: 0, endMs: dayMs, version: 'v1' });
    await discovery.announceServer(server);
    await discovery.announceSegment(server.id, record);
    const seen: string[] = [];
    discovery.watch({ serverAdded: (added) => seen.push(added.id), segmentAdded: (_, added) => seen.push(added.id) });
    assert.deepEqual(seen, [server.id, record.id]);
    const leadership: string[] = [];
    const resignA = discovery.elect('coordinator', 'a', (isLeader) => leadership.push(`a:${isLeader}`));
    discovery.elect('coordinator', 'b', (isLeader) => leadership.push(`b:${isLeader}`));
    resignA();
    assert.deepEqual(leadership, ['a:true', 'a:false', 'b:true']);
    await discovery.close();
    assert.deepEqual(discovery.servers(), []);
  });
});
