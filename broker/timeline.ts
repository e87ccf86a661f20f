// Druid's versioned interval timeline: which announced segments a query reads. At every instant the
// highest version among the segments covering it wins (versions compare as strings, as in Druid),
// and every segment of that version covering the instant is read. A lower version stays visible
// wherever no higher version covers it. The visible layout of a datasource is computed once per
// change (a sweep over segment boundaries) and cached, so a lookup is a binary search plus a walk
// over the chunks the query touches.
import { condenseIntervals as condenseSortedIntervals } from '../query/intervals.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

/** A maximal time range over which the same set of segments is visible. */
interface VisibleChunk {
  readonly startMs: number;
  readonly endMs: number;
  /** The winning segments, ordered by partition then id; never empty. */
  readonly segments: readonly SegmentRecord[];
}

interface DataSourceTimeline {
  readonly records: Map<string, SegmentRecord>;
  /** Null when a change invalidated it; rebuilt on the next read. */
  chunks: VisibleChunk[] | null;
}

export class Timeline {
  private readonly dataSourceTimelines = new Map<string, DataSourceTimeline>();
  private readonly dataSourceBySegmentId = new Map<string, string>();

  /** Add a segment; adding an id already present replaces that segment. */
  add(record: SegmentRecord): void {
    this.remove(record.id);
    let timeline = this.dataSourceTimelines.get(record.dataSource);
    if (timeline === undefined) {
      timeline = { records: new Map(), chunks: null };
      this.dataSourceTimelines.set(record.dataSource, timeline);
    }
    timeline.records.set(record.id, record);
    timeline.chunks = null;
    this.dataSourceBySegmentId.set(record.id, record.dataSource);
  }

  /** Remove a segment by id; returns whether it was present. */
  remove(segmentId: string): boolean {
    const dataSource = this.dataSourceBySegmentId.get(segmentId);
    if (dataSource === undefined) return false;
    this.dataSourceBySegmentId.delete(segmentId);
    const timeline = this.dataSourceTimelines.get(dataSource);
    if (timeline === undefined) return false;
    timeline.records.delete(segmentId);
    timeline.chunks = null;
    if (timeline.records.size === 0) this.dataSourceTimelines.delete(dataSource);
    return true;
  }

  /**
   * The segments a query over `intervals` reads, each with the parts of the query intervals where
   * it is visible (sorted, disjoint, non-adjacent). Ordered by first visible instant, then
   * partition, then id. Query intervals may overlap; they are condensed first.
   */
  lookup(dataSource: string, intervals: readonly TimeInterval[]): { record: SegmentRecord; intervals: TimeInterval[] }[] {
    const chunks = this.chunksOf(dataSource);
    if (chunks.length === 0) return [];
    const bySegment = new Map<string, { record: SegmentRecord; intervals: TimeInterval[] }>();
    for (const query of condenseIntervals(intervals)) {
      let index = firstChunkEndingAfter(chunks, query.startMs);
      for (; index < chunks.length && chunks[index]!.startMs < query.endMs; index++) {
        const chunk = chunks[index]!;
        const startMs = Math.max(chunk.startMs, query.startMs);
        const endMs = Math.min(chunk.endMs, query.endMs);
        for (const record of chunk.segments) appendVisible(bySegment, record, startMs, endMs);
      }
    }
    return [...bySegment.values()];
  }

  /** Datasources with at least one segment, sorted. */
  dataSources(): string[] {
    return [...this.dataSourceTimelines.keys()].sort();
  }

  /** The visible (not fully overshadowed) segments of a datasource, ordered by interval start, partition, id. */
  segments(dataSource: string): SegmentRecord[] {
    const visible = new Map<string, SegmentRecord>();
    for (const chunk of this.chunksOf(dataSource)) for (const record of chunk.segments) visible.set(record.id, record);
    return [...visible.values()].sort(compareByStartThenPartition);
  }

  /** Every segment added and not removed, visible or not. */
  allSegments(dataSource: string): SegmentRecord[] {
    const timeline = this.dataSourceTimelines.get(dataSource);
    return timeline === undefined ? [] : [...timeline.records.values()].sort(compareByStartThenPartition);
  }

  private chunksOf(dataSource: string): readonly VisibleChunk[] {
    const timeline = this.dataSourceTimelines.get(dataSource);
    if (timeline === undefined) return [];
    timeline.chunks ??= buildVisibleChunks([...timeline.records.values()]);
    return timeline.chunks;
  }
}

/** Extend the segment's last visible interval when contiguous, else start a new one. */
function appendVisible(
  bySegment: Map<string, { record: SegmentRecord; intervals: TimeInterval[] }>,
  record: SegmentRecord,
  startMs: number,
  endMs: number,
): void {
  let entry = bySegment.get(record.id);
  if (entry === undefined) {
    entry = { record, intervals: [] };
    bySegment.set(record.id, entry);
  }
  const last = entry.intervals[entry.intervals.length - 1];
  if (last !== undefined && last.endMs === startMs) entry.intervals[entry.intervals.length - 1] = { startMs: last.startMs, endMs };
  else entry.intervals.push({ startMs, endMs });
}

/**
 * Sweep the segment boundaries left to right, keeping the covering segments grouped by version;
 * between two boundaries the highest version's group is visible. Adjacent ranges with the same
 * visible group are merged.
 */
function buildVisibleChunks(allRecords: readonly SegmentRecord[]): VisibleChunk[] {
  const records = allRecords.filter((record) => record.interval.startMs < record.interval.endMs);
  const boundaries = [...new Set(records.flatMap((record) => [record.interval.startMs, record.interval.endMs]))].sort((a, b) => a - b);
  const startingAt = groupBy(records, (record) => record.interval.startMs);
  const endingAt = groupBy(records, (record) => record.interval.endMs);
  const activeByVersion = new Map<string, Set<SegmentRecord>>();
  const chunks: VisibleChunk[] = [];
  for (let index = 0; index + 1 < boundaries.length; index++) {
    const boundary = boundaries[index]!;
    for (const record of endingAt.get(boundary) ?? []) removeActive(activeByVersion, record);
    for (const record of startingAt.get(boundary) ?? []) addActive(activeByVersion, record);
    const winners = highestVersionGroup(activeByVersion);
    if (winners === undefined) continue;
    const nextBoundary = boundaries[index + 1]!;
    const previous = chunks[chunks.length - 1];
    if (previous !== undefined && previous.endMs === boundary && sameSegments(previous.segments, winners)) {
      chunks[chunks.length - 1] = { startMs: previous.startMs, endMs: nextBoundary, segments: previous.segments };
    } else {
      chunks.push({ startMs: boundary, endMs: nextBoundary, segments: [...winners].sort(compareByPartition) });
    }
  }
  return chunks;
}

function addActive(activeByVersion: Map<string, Set<SegmentRecord>>, record: SegmentRecord): void {
  let group = activeByVersion.get(record.version);
  if (group === undefined) {
    group = new Set();
    activeByVersion.set(record.version, group);
  }
  group.add(record);
}

function removeActive(activeByVersion: Map<string, Set<SegmentRecord>>, record: SegmentRecord): void {
  const group = activeByVersion.get(record.version);
  if (group === undefined) return;
  group.delete(record);
  if (group.size === 0) activeByVersion.delete(record.version);
}

/** Few versions overlap at once in practice, so a linear scan for the highest is cheapest. */
function highestVersionGroup(activeByVersion: Map<string, Set<SegmentRecord>>): Set<SegmentRecord> | undefined {
  let highest: string | undefined;
  for (const version of activeByVersion.keys()) if (highest === undefined || version > highest) highest = version;
  return highest === undefined ? undefined : activeByVersion.get(highest);
}

function sameSegments(sorted: readonly SegmentRecord[], group: Set<SegmentRecord>): boolean {
  if (sorted.length !== group.size) return false;
  for (const record of sorted) if (!group.has(record)) return false;
  return true;
}

function groupBy<Key>(records: readonly SegmentRecord[], keyOf: (record: SegmentRecord) => Key): Map<Key, SegmentRecord[]> {
  const groups = new Map<Key, SegmentRecord[]>();
  for (const record of records) {
    const key = keyOf(record);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [record]);
    else group.push(record);
  }
  return groups;
}

/** Sort and merge overlapping or adjacent intervals; drop empty ones. */
export function condenseIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  return condenseSortedIntervals(intervals.filter((interval) => interval.startMs < interval.endMs));
}

/** Index of the first chunk whose end is after `timeMs` (chunks are sorted and disjoint). */
function firstChunkEndingAfter(chunks: readonly VisibleChunk[], timeMs: number): number {
  let low = 0;
  let high = chunks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (chunks[middle]!.endMs <= timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function compareByPartition(a: SegmentRecord, b: SegmentRecord): number {
  return a.partition - b.partition || compareStrings(a.id, b.id);
}

function compareByStartThenPartition(a: SegmentRecord, b: SegmentRecord): number {
  return a.interval.startMs - b.interval.startMs || compareStrings(a.version, b.version) || compareByPartition(a, b);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
