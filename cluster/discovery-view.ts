// The cached picture of the cluster that both Discovery implementations keep: servers, their
// segments, and the listeners to tell about changes. Applying a full snapshot (after a ZooKeeper
// reconnect) emits only the differences.
import type { DiscoveryListener, ServerAnnouncement, ServerRole } from './discovery.js';
import type { SegmentRecord } from './metadata-store.js';

export class DiscoveryView {
  private readonly serversById = new Map<string, ServerAnnouncement>();
  private readonly segmentsByServer = new Map<string, Map<string, SegmentRecord>>();
  private readonly listeners = new Set<DiscoveryListener>();

  watch(listener: DiscoveryListener): () => void {
    this.listeners.add(listener);
    for (const server of this.serversById.values()) {
      listener.serverAdded?.(server);
      for (const record of this.segmentsByServer.get(server.id)?.values() ?? []) listener.segmentAdded?.(server.id, record);
    }
    return () => this.listeners.delete(listener);
  }

  servers(role?: ServerRole): ServerAnnouncement[] {
    const all = [...this.serversById.values()];
    return role === undefined ? all : all.filter((server) => server.role === role);
  }

  server(serverId: string): ServerAnnouncement | undefined {
    return this.serversById.get(serverId);
  }

  segmentsOf(serverId: string): SegmentRecord[] {
    return [...(this.segmentsByServer.get(serverId)?.values() ?? [])];
  }

  hasSegment(serverId: string, segmentId: string): boolean {
    return this.segmentsByServer.get(serverId)?.has(segmentId) ?? false;
  }

  addServer(server: ServerAnnouncement): void {
    if (this.serversById.has(server.id)) return;
    this.serversById.set(server.id, server);
    if (!this.segmentsByServer.has(server.id)) this.segmentsByServer.set(server.id, new Map());
    for (const listener of this.listeners) listener.serverAdded?.(server);
  }

  removeServer(serverId: string): void {
    const server = this.serversById.get(serverId);
    for (const segmentId of [...(this.segmentsByServer.get(serverId)?.keys() ?? [])]) this.removeSegment(serverId, segmentId);
    this.segmentsByServer.delete(serverId);
    if (server === undefined) return;
    this.serversById.delete(serverId);
    for (const listener of this.listeners) listener.serverRemoved?.(server);
  }

  /** Segments of servers not (yet) announced are kept, and reported once the server appears. */
  addSegment(serverId: string, record: SegmentRecord): void {
    let segments = this.segmentsByServer.get(serverId);
    if (segments === undefined) {
      segments = new Map();
      this.segmentsByServer.set(serverId, segments);
    }
    if (segments.has(record.id)) return;
    segments.set(record.id, record);
    if (!this.serversById.has(serverId)) return;
    for (const listener of this.listeners) listener.segmentAdded?.(serverId, record);
  }

  removeSegment(serverId: string, segmentId: string): void {
    const segments = this.segmentsByServer.get(serverId);
    if (segments === undefined || !segments.delete(segmentId)) return;
    if (!this.serversById.has(serverId)) return;
    for (const listener of this.listeners) listener.segmentRemoved?.(serverId, segmentId);
  }

  /** Ids of the segments the view holds for a server (announced or not). */
  segmentIdsOf(serverId: string): string[] {
    return [...(this.segmentsByServer.get(serverId)?.keys() ?? [])];
  }

  serverIds(): string[] {
    return [...new Set([...this.serversById.keys(), ...this.segmentsByServer.keys()])];
  }
}
