// Which segments are fully overshadowed: segments of a higher version (same datasource) together
// cover their whole interval, so no query can ever read them. Versions compare as strings, as in Druid.
import type { SegmentRecord } from '../cluster/metadata-store.js';

interface DataSourceIndex {
  /** Sorted by interval start. */
  readonly byStart: readonly SegmentRecord[];
  /** Longest interval among them: bounds how far back a covering segment can start. */
  readonly maxDurationMs: number;
}

/** Ids of the `candidates` fully covered by higher-version segments among `overshadowers`. */
export function overshadowedSegmentIds(candidates: readonly SegmentRecord[], overshadowers: readonly SegmentRecord[]): Set<string> {
  const indexes = indexByDataSource(overshadowers);
  const overshadowed = new Set<string>();
  for (const candidate of candidates) {
    const index = indexes.get(candidate.dataSource);
    if (index !== undefined && isCovered(candidate, index)) overshadowed.add(candidate.id);
  }
  return overshadowed;
}

function indexByDataSource(records: readonly SegmentRecord[]): Map<string, DataSourceIndex> {
  const groups = new Map<string, SegmentRecord[]>();
  for (const record of records) {
    const group = groups.get(record.dataSource);
    if (group === undefined) groups.set(record.dataSource, [record]);
    else group.push(record);
  }
  const indexes = new Map<string, DataSourceIndex>();
  for (const [dataSource, group] of groups) {
    group.sort((a, b) => a.interval.startMs - b.interval.startMs);
    let maxDurationMs = 0;
    for (const record of group) maxDurationMs = Math.max(maxDurationMs, record.interval.endMs - record.interval.startMs);
    indexes.set(dataSource, { byStart: group, maxDurationMs });
  }
  return indexes;
}

/** Walk higher-version segments in start order, extending the covered prefix of the candidate. */
function isCovered(candidate: SegmentRecord, index: DataSourceIndex): boolean {
  const { startMs, endMs } = candidate.interval;
  let coveredUntilMs = startMs;
  const first = firstStartingAtOrAfter(index.byStart, startMs - index.maxDurationMs);
  for (let position = first; position < index.byStart.length; position++) {
    const other = index.byStart[position]!;
    if (other.interval.startMs > coveredUntilMs) return false; // a gap nothing later can fill
    if (other.version > candidate.version && other.interval.endMs > coveredUntilMs) {
      coveredUntilMs = other.interval.endMs;
      if (coveredUntilMs >= endMs) return true;
    }
  }
  return false;
}

function firstStartingAtOrAfter(sorted: readonly SegmentRecord[], timeMs: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.interval.startMs < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}
