// The Discovery seam: which servers are alive, which segments each serves, and who leads the
// coordinators. Implementations: in-process-discovery.ts (one process, the all-in-one) and
// zookeeper-discovery.ts (a cluster: ephemeral znodes, so a dead server's announcements vanish).
import type { SegmentRecord } from './metadata-store.js';

export type ServerRole = 'coordinator' | 'historical' | 'broker' | 'realtime';

/** A live server as it announces itself. */
export interface ServerAnnouncement {
  /** Unique in the cluster and stable across restarts: `${role}@${host}:${port}`. */
  readonly id: string;
  readonly role: ServerRole;
  /** Host name other servers use to reach it. */
  readonly host: string;
  /** HTTP port of its API. */
  readonly port: number;
  /** Historical tier; "_default_tier" unless configured. */
  readonly tier: string;
  /** Bytes of segments it can hold (historicals); 0 for roles that hold none. */
  readonly maxSizeBytes: number;
}

/** What a watcher hears. Each callback is optional; a watch first replays the current state. */
export interface DiscoveryListener {
  serverAdded?(server: ServerAnnouncement): void;
  /** Its segments were removed (segmentRemoved for each) before this is called. */
  serverRemoved?(server: ServerAnnouncement): void;
  segmentAdded?(serverId: string, record: SegmentRecord): void;
  segmentRemoved?(serverId: string, segmentId: string): void;
}

export interface Discovery {
  /** Announce this process's server; the announcement lives as long as the process (or its session). */
  announceServer(server: ServerAnnouncement): Promise<void>;
  /** Withdraw a server announcement and every segment it announced. */
  unannounceServer(serverId: string): Promise<void>;
  /** Announce that `serverId` (announced by this process) serves the segment. Idempotent. */
  announceSegment(serverId: string, record: SegmentRecord): Promise<void>;
  /** Withdraw a segment announcement; an unknown one is a no-op. */
  unannounceSegment(serverId: string, segmentId: string): Promise<void>;
  /** Subscribe; returns the unsubscribe function. Callbacks run synchronously on this process's view. */
  watch(listener: DiscoveryListener): () => void;
  /** Live servers of the cluster (of one role if given), as this process currently sees them. */
  servers(role?: ServerRole): ServerAnnouncement[];
  /** Segments the server announces, as this process currently sees them. */
  segmentsOf(serverId: string): SegmentRecord[];
  /**
   * Compete for the leadership named `name` (e.g. "coordinator") as `candidateId`. `onChange(true)`
   * when this candidate becomes leader, `onChange(false)` when it loses it (e.g. session expiry).
   * Returns a function that withdraws the candidacy.
   */
  elect(name: string, candidateId: string, onChange: (isLeader: boolean) => void): () => void;
  /** Withdraw everything this process announced and stop watching. */
  close(): Promise<void>;
}
