// Picks the version and partition of a new realtime segment. Streams append: a time chunk that
// already has used segments keeps their (highest) version and the new segment takes the next free
// partition, so it adds rows instead of overshadowing them. Allocations not yet published are
// remembered so concurrent tasks (several supervisors may feed one datasource) never collide.
// This process-local memory stands in for Druid's pending-segments table; a multi-process cluster
// needs that table in the metadata store.
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';

export interface SegmentAllocation {
  readonly dataSource: string;
  readonly interval: TimeInterval;
  readonly version: string;
  readonly partition: number;
}

function overlaps(left: TimeInterval, right: TimeInterval): boolean {
  return left.startMs < right.endMs && right.startMs < left.endMs;
}

export class SegmentAllocator {
  private readonly pending = new Set<SegmentAllocation>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastVersionMs = 0;

  constructor(private readonly store: MetadataStore) {}

  /** Allocates one segment of `interval`; allocations are serialised. */
  allocate(dataSource: string, interval: TimeInterval): Promise<SegmentAllocation> {
    const next = this.queue.then(() => this.allocateNow(dataSource, interval));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets an allocation once it is published (the store then knows it) or abandoned. */
  release(allocation: SegmentAllocation): void {
    this.pending.delete(allocation);
  }

  private async allocateNow(dataSource: string, interval: TimeInterval): Promise<SegmentAllocation> {
    const all = (await this.store.allSegments(dataSource)).filter((record) => overlaps(record.interval, interval));
    const pending = [...this.pending].filter((allocation) => allocation.dataSource === dataSource && overlaps(allocation.interval, interval));
    const version = this.versionFor(all.filter((record) => record.used), pending);
    let partition = 0;
    for (const existing of [...all, ...pending]) if (existing.version === version) partition = Math.max(partition, existing.partition + 1);
    const allocation = { dataSource, interval, version, partition };
    this.pending.add(allocation);
    return allocation;
  }

  private versionFor(used: readonly SegmentRecord[], pending: readonly SegmentAllocation[]): string {
    let version: string | null = null;
    for (const existing of [...used, ...pending]) if (version === null || existing.version > version) version = existing.version;
    if (version !== null) return version;
    // Distinct new versions even within one millisecond.
    this.lastVersionMs = Math.max(Date.now(), this.lastVersionMs + 1);
    return new Date(this.lastVersionMs).toISOString();
  }
}
