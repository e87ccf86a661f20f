// Which parts of each segment a query can see: a segment is hidden wherever a segment of a higher
// version (same datasource) covers the instant — the timeline's rule. Compaction reads only the
// visible rows of its inputs, so it never resurrects data a newer version replaced.
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';

/** For each segment id, its visible parts (sorted, disjoint), given every segment that may overshadow it. */
export function visibleIntervalsOf(segments: readonly SegmentRecord[]): Map<string, TimeInterval[]> {
  const byStart = [...segments].sort((left, right) => left.interval.startMs - right.interval.startMs);
  const visible = new Map<string, TimeInterval[]>();
  for (const segment of segments) {
    const covering: TimeInterval[] = [];
    for (const other of byStart) {
      if (other.interval.startMs >= segment.interval.endMs) break;
      if (other.version > segment.version && other.interval.endMs > segment.interval.startMs) covering.push(other.interval);
    }
    visible.set(segment.id, subtract(segment.interval, covering));
  }
  return visible;
}

/** `interval` minus the union of `holes` (sorted by start). */
function subtract(interval: TimeInterval, holes: readonly TimeInterval[]): TimeInterval[] {
  const parts: TimeInterval[] = [];
  let cursorMs = interval.startMs;
  for (const hole of holes) {
    if (hole.startMs > cursorMs) parts.push({ startMs: cursorMs, endMs: Math.min(hole.startMs, interval.endMs) });
    cursorMs = Math.max(cursorMs, hole.endMs);
    if (cursorMs >= interval.endMs) break;
  }
  if (cursorMs < interval.endMs) parts.push({ startMs: cursorMs, endMs: interval.endMs });
  return parts.filter((part) => part.startMs < part.endMs);
}

/** Whether two half-open intervals share an instant. */
export function overlaps(left: TimeInterval, right: TimeInterval): boolean {
  return left.startMs < right.endMs && right.startMs < left.endMs;
}
