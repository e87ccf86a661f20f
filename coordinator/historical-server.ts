// The coordinator's view of one historical: what it serves, and how to ask it to load or drop.
// In-process (the all-in-one: a SegmentManager in this process) or remote (discovery + HTTP).
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { SegmentManager } from '../historical/segment-manager.js';
import { defaultTier } from './rules.js';

export interface HistoricalServer {
  /** Unique id (the discovery announcement id). */
  readonly id: string;
  readonly tier: string;
  /** Bytes of segments it may hold. */
  readonly maxSizeBytes: number;
  /** Records of the segments it serves now. */
  served(): readonly SegmentRecord[];
  /** Ids of segment files it holds without serving them (only an in-process historical knows). */
  cachedIds(): readonly string[];
  /** Serve the segment; resolves once it is served, rejects if the load failed. */
  load(record: SegmentRecord): Promise<void>;
  /** Stop serving the segment and delete its file. */
  drop(segmentId: string): Promise<void>;
}

/** Where the coordinator finds the live historicals; asked once per run. */
export interface ServerInventory {
  historicals(): readonly HistoricalServer[];
}

/** A SegmentManager in this process as a HistoricalServer. */
export function localHistorical(manager: SegmentManager, id = 'local', tier = defaultTier): HistoricalServer {
  return {
    id,
    tier,
    get maxSizeBytes() {
      return manager.maxSizeBytes;
    },
    served: () => manager.served().map(({ record }) => record),
    cachedIds: () => manager.cachedButNotServed(),
    load: (record) => manager.load(record),
    drop: (segmentId) => manager.drop(segmentId),
  };
}

export function fixedInventory(servers: readonly HistoricalServer[]): ServerInventory {
  return { historicals: () => servers };
}
