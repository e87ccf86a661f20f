// The broker's per-segment result cache (Druid's segment-level cache): a segment's partial result
// for a query, as wire text, keyed by the segment, the part of it read, and the query without its
// context. Only immutable segments (served by historicals) are cached. Bounded by bytes; the least
// recently used entries go first.
import type { TimeInterval } from '../segment-format/segment-metadata.js';

export class SegmentResultCache {
  private readonly entries = new Map<string, string>();
  private sizeBytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxSizeBytes: number) {}

  get enabled(): boolean {
    return this.maxSizeBytes > 0;
  }

  /** The key of a segment's result; `queryKey` from queryCacheKey. */
  static key(queryKey: string, segmentId: string, intervals: readonly TimeInterval[]): string {
    return `${segmentId}\u0000${intervals.map((interval) => `${interval.startMs}/${interval.endMs}`).join(',')}\u0000${queryKey}`;
  }

  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, value); // most recently used last
    return value;
  }

  put(key: string, value: string): void {
    const size = value.length * 2 + key.length * 2;
    if (!this.enabled || size > this.maxSizeBytes) return;
    const existing = this.entries.get(key);
    if (existing !== undefined) this.sizeBytes -= existing.length * 2 + key.length * 2;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.sizeBytes += size;
    for (const [oldKey, oldValue] of this.entries) {
      if (this.sizeBytes <= this.maxSizeBytes) break;
      this.entries.delete(oldKey);
      this.sizeBytes -= oldValue.length * 2 + oldKey.length * 2;
    }
  }
}

/** The query JSON without its context (timeouts and ids do not change a segment's result). */
export function queryCacheKey(queryJson: unknown): string {
  if (typeof queryJson !== 'object' || queryJson === null) return JSON.stringify(queryJson);
  const { context: _context, ...rest } = queryJson as Record<string, unknown>;
  return JSON.stringify(rest);
}
