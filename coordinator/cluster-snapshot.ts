// What the historicals hold at the start of a coordinator run, indexed for placement decisions:
// which servers serve each segment, bytes per server, and how many segments of the same
// datasource and day each server holds (placing a segment beside others of the same time range
// puts one query's work on one server, so such placements cost more).
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { HistoricalServer } from './historical-server.js';
import type { LoadQueue } from './load-queue.js';

const dayMs = 86_400_000;
/** Weight of a full server against one co-located segment of the same day. */
const fullnessWeight = 10;

export class ClusterSnapshot {
  readonly serversById = new Map<string, HistoricalServer>();
  /** Segment id → ids of servers serving it. */
  readonly holders = new Map<string, Set<string>>();
  private readonly bytesByServer = new Map<string, number>();
  private readonly timeRangeCounts = new Map<string, Map<string, number>>();

  constructor(
    servers: readonly HistoricalServer[],
    private readonly queue: LoadQueue,
  ) {
    for (const server of servers) {
      this.serversById.set(server.id, server);
      let bytes = 0;
      const counts = new Map<string, number>();
      for (const record of server.served()) {
        bytes += record.sizeBytes;
        let holders = this.holders.get(record.id);
        if (holders === undefined) {
          holders = new Set();
          this.holders.set(record.id, holders);
        }
        holders.add(server.id);
        const key = timeRangeKey(record);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      this.bytesByServer.set(server.id, bytes);
      this.timeRangeCounts.set(server.id, counts);
    }
  }

  servers(): HistoricalServer[] {
    return [...this.serversById.values()];
  }

  bytesOf(serverId: string): number {
    return (this.bytesByServer.get(serverId) ?? 0) + this.queue.pendingLoadBytes(serverId);
  }

  /** Lower is better: fullness plus crowding of the segment's time range. */
  cost(server: HistoricalServer, record: SegmentRecord): number {
    const fullness = this.bytesOf(server.id) / Math.max(1, server.maxSizeBytes);
    const crowding = this.timeRangeCounts.get(server.id)?.get(timeRangeKey(record)) ?? 0;
    return fullness * fullnessWeight + crowding;
  }

  /** Record a placement decided during this run, so later decisions see it. */
  noteAssigned(serverId: string, record: SegmentRecord): void {
    const counts = this.timeRangeCounts.get(serverId);
    if (counts === undefined) return;
    const key = timeRangeKey(record);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Whether the server can take the segment without passing its capacity. */
  fits(server: HistoricalServer, record: SegmentRecord): boolean {
    return this.bytesOf(server.id) + record.sizeBytes <= server.maxSizeBytes;
  }
}

function timeRangeKey(record: SegmentRecord): string {
  return `${record.dataSource}|${Math.floor(record.interval.startMs / dayMs)}`;
}
