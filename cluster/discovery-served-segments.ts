// Which segment ids servers of one role (historicals, for handoff) announce, as this process sees
// them through discovery. A realtime process uses it to learn that a historical serves a segment it
// published, without any direct link to the historicals.
import type { Discovery, ServerRole } from './discovery.js';

export class DiscoveryServedSegments {
  /** Segment id → ids of servers of the role announcing it. */
  private readonly holders = new Map<string, Set<string>>();
  private readonly roleServerIds = new Set<string>();
  private readonly listeners: ((segmentId: string) => void)[] = [];
  private readonly unwatch: () => void;

  constructor(discovery: Discovery, role: ServerRole) {
    this.unwatch = discovery.watch({
      serverAdded: (server) => {
        if (server.role === role) this.roleServerIds.add(server.id);
      },
      serverRemoved: (server) => this.roleServerIds.delete(server.id),
      segmentAdded: (serverId, record) => {
        if (!this.roleServerIds.has(serverId)) return;
        let servers = this.holders.get(record.id);
        const first = servers === undefined;
        if (servers === undefined) {
          servers = new Set();
          this.holders.set(record.id, servers);
        }
        servers.add(serverId);
        if (first) for (const listener of this.listeners) listener(record.id);
      },
      segmentRemoved: (serverId, segmentId) => {
        const servers = this.holders.get(segmentId);
        if (servers === undefined || !servers.delete(serverId) || servers.size > 0) return;
        this.holders.delete(segmentId);
      },
    });
  }

  /** Whether at least one live server of the role announces the segment now. */
  isServed(segmentId: string): boolean {
    return this.holders.has(segmentId);
  }

  /** `listener` hears every segment id the moment its first server of the role announces it (synchronously, within the announcement). */
  onAdded(listener: (segmentId: string) => void): void {
    this.listeners.push(listener);
  }

  /** Stop watching discovery; listeners hear nothing more. */
  close(): void {
    this.unwatch();
    this.listeners.length = 0;
  }
}
