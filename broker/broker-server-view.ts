// The broker's picture of who serves what, built from discovery announcements: the versioned
// timeline (a segment enters it with its first replica and leaves with its last) and, per
// segment, the servers holding a replica.
import type { Discovery, ServerAnnouncement } from '../cluster/discovery.js';
import { Timeline } from './timeline.js';

export class BrokerServerView {
  readonly timeline: Timeline;
  private readonly replicas = new Map<string, Set<string>>();
  private readonly servers = new Map<string, ServerAnnouncement>();
  private readonly unwatch: () => void;

  constructor(discovery: Discovery, timeline: Timeline = new Timeline()) {
    this.timeline = timeline;
    this.unwatch = discovery.watch({
      serverAdded: (server) => this.servers.set(server.id, server),
      serverRemoved: (server) => this.servers.delete(server.id),
      segmentAdded: (serverId, record) => {
        let holders = this.replicas.get(record.id);
        if (holders === undefined) {
          holders = new Set();
          this.replicas.set(record.id, holders);
          this.timeline.add(record);
        }
        holders.add(serverId);
      },
      segmentRemoved: (serverId, segmentId) => {
        const holders = this.replicas.get(segmentId);
        if (holders === undefined) return;
        holders.delete(serverId);
        if (holders.size > 0) return;
        this.replicas.delete(segmentId);
        this.timeline.remove(segmentId);
      },
    });
  }

  /** Servers announcing the segment. */
  replicasOf(segmentId: string): ServerAnnouncement[] {
    const result: ServerAnnouncement[] = [];
    for (const serverId of this.replicas.get(segmentId) ?? []) {
      const server = this.servers.get(serverId);
      if (server !== undefined) result.push(server);
    }
    return result;
  }

  close(): void {
    this.unwatch();
  }
}
