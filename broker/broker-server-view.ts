// The broker's picture of who serves what, built from discovery announcements of historicals and
// realtime servers: the versioned timeline (a segment enters it with its first replica and leaves
// with its last) and, per segment, the servers holding a replica.
//
// Realtime pieces (`{id}#realtime-{n}`) have the version and partition of the segment `{id}` they
// are published as, so the timeline would read both copies of the same rows once a historical
// serves `{id}`. The view therefore keeps a piece in the timeline only while no server announces its
// final segment: the historical copy's announcement swaps the pieces out, inside one callback (no
// query sees both or neither), and losing every historical copy swaps back any pieces still served.
import type { Discovery, ServerAnnouncement } from '../cluster/discovery.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import { finalSegmentIdOf } from './realtime-piece-id.js';
import { Timeline } from './timeline.js';

export class BrokerServerView {
  readonly timeline: Timeline;
  private readonly replicas = new Map<string, Set<string>>();
  private readonly records = new Map<string, SegmentRecord>();
  /** Final segment id → ids of its announced realtime pieces. */
  private readonly piecesByFinal = new Map<string, Set<string>>();
  private readonly servers = new Map<string, ServerAnnouncement>();
  private readonly unwatch: () => void;

  constructor(discovery: Discovery, timeline: Timeline = new Timeline()) {
    this.timeline = timeline;
    this.unwatch = discovery.watch({
      serverAdded: (server) => this.servers.set(server.id, server),
      serverRemoved: (server) => this.servers.delete(server.id),
      segmentAdded: (serverId, record) => this.segmentAdded(serverId, record),
      segmentRemoved: (serverId, segmentId) => this.segmentRemoved(serverId, segmentId),
    });
  }

  private segmentAdded(serverId: string, record: SegmentRecord): void {
    let holders = this.replicas.get(record.id);
    if (holders === undefined) {
      holders = new Set();
      this.replicas.set(record.id, holders);
    }
    holders.add(serverId);
    if (holders.size > 1) return;
    this.records.set(record.id, record);
    const finalId = finalSegmentIdOf(record.id);
    if (finalId === null) {
      this.timeline.add(record);
      for (const pieceId of this.piecesByFinal.get(record.id) ?? []) this.timeline.remove(pieceId);
      return;
    }
    let pieces = this.piecesByFinal.get(finalId);
    if (pieces === undefined) {
      pieces = new Set();
      this.piecesByFinal.set(finalId, pieces);
    }
    pieces.add(record.id);
    if (!this.replicas.has(finalId)) this.timeline.add(record);
  }

  private segmentRemoved(serverId: string, segmentId: string): void {
    const holders = this.replicas.get(segmentId);
    if (holders === undefined || !holders.delete(serverId) || holders.size > 0) return;
    this.replicas.delete(segmentId);
    this.records.delete(segmentId);
    this.timeline.remove(segmentId);
    const finalId = finalSegmentIdOf(segmentId);
    if (finalId === null) {
      for (const pieceId of this.piecesByFinal.get(segmentId) ?? []) this.timeline.add(this.records.get(pieceId)!);
      return;
    }
    const pieces = this.piecesByFinal.get(finalId);
    pieces?.delete(segmentId);
    if (pieces?.size === 0) this.piecesByFinal.delete(finalId);
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

  /** The record of a segment some server announces now; undefined when none does. */
  servedRecord(segmentId: string): SegmentRecord | undefined {
    return this.records.get(segmentId);
  }

  close(): void {
    this.unwatch();
  }
}
