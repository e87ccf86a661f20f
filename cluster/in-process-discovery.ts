// Discovery inside one process (the all-in-one, or several roles started together without
// ZooKeeper): announcements are entries in a shared view, and the only candidate always leads.
import type { Discovery, DiscoveryListener, ServerAnnouncement, ServerRole } from './discovery.js';
import { DiscoveryView } from './discovery-view.js';
import type { SegmentRecord } from './metadata-store.js';

export class InProcessDiscovery implements Discovery {
  private readonly view = new DiscoveryView();
  private readonly leaders = new Map<string, { candidateId: string; onChange: (isLeader: boolean) => void }[]>();

  async announceServer(server: ServerAnnouncement): Promise<void> {
    this.view.addServer(server);
  }

  async unannounceServer(serverId: string): Promise<void> {
    this.view.removeServer(serverId);
  }

  async announceSegment(serverId: string, record: SegmentRecord): Promise<void> {
    this.view.addSegment(serverId, record);
  }

  async unannounceSegment(serverId: string, segmentId: string): Promise<void> {
    this.view.removeSegment(serverId, segmentId);
  }

  watch(listener: DiscoveryListener): () => void {
    return this.view.watch(listener);
  }

  servers(role?: ServerRole): ServerAnnouncement[] {
    return this.view.servers(role);
  }

  segmentsOf(serverId: string): SegmentRecord[] {
    return this.view.segmentsOf(serverId);
  }

  /** The first candidate leads until it withdraws; then the next in line takes over. */
  elect(name: string, candidateId: string, onChange: (isLeader: boolean) => void): () => void {
    const queue = this.leaders.get(name) ?? [];
    this.leaders.set(name, queue);
    const entry = { candidateId, onChange };
    queue.push(entry);
    if (queue.length === 1) onChange(true);
    return () => {
      const index = queue.indexOf(entry);
      if (index < 0) return;
      queue.splice(index, 1);
      if (index === 0) {
        onChange(false);
        queue[0]?.onChange(true);
      }
    };
  }

  async close(): Promise<void> {
    for (const serverId of this.view.serverIds()) this.view.removeServer(serverId);
  }
}
