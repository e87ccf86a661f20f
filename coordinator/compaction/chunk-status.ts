// Per time chunk of a datasource: is it compacted under a compaction config, and if not, why not.
// Compaction users' worst pain is chunks skipped silently, so every chunk gets a state and a reason.
// Chunks: the visible segments' intervals widened to the config's segment granularity, with
// overlapping ones merged, so a compaction of a chunk always covers whole segments.
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { Granularity } from '../../query/granularity.js';
import { formatInterval } from '../../query/intervals.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { overshadowedSegmentIds } from '../../cluster/overshadowed-segments.js';

export type ChunkState = 'COMPACTED' | 'AWAITING' | 'SKIPPED' | 'RUNNING';

export interface ChunkStatus {
  readonly interval: TimeInterval;
  readonly state: ChunkState;
  /** Why it is (or is not) compacted, for a person. */
  readonly reason: string;
  readonly segments: number;
  readonly rows: number;
  readonly bytes: number;
  /** The chunk's visible segment ids. */
  readonly segmentIds: readonly string[];
}

/** The parts of a compaction config the status depends on (flags of the CLI build one too). */
export interface ChunkTarget {
  readonly maxRowsPerSegment: number;
  readonly skipOffsetFromLatestMs: number;
  readonly skipOffsetFromLatest: string;
  readonly inputSegmentSizeBytes: number;
  readonly segmentGranularity: Granularity | null;
  readonly queryGranularity: Granularity | null;
  readonly dimensions: readonly string[] | null;
}

/** Statuses of the chunks overlapping `within` (all when absent), oldest first. */
export function chunkStatuses(
  used: readonly SegmentRecord[],
  target: ChunkTarget,
  running: readonly TimeInterval[],
  within?: TimeInterval,
): ChunkStatus[] {
  const overshadowed = overshadowedSegmentIds(used, used);
  const visible = used.filter((record) => !overshadowed.has(record.id));
  if (visible.length === 0) return [];
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const record of visible) latestMs = Math.max(latestMs, record.interval.endMs);
  const skipAfterMs = latestMs - target.skipOffsetFromLatestMs;
  return chunksOf(visible, target.segmentGranularity)
    .filter((chunk) => within === undefined || (chunk.interval.startMs < within.endMs && within.startMs < chunk.interval.endMs))
    .map((chunk) => statusOf(chunk.interval, chunk.segments, target, running, skipAfterMs));
}

interface Chunk {
  interval: TimeInterval;
  segments: SegmentRecord[];
}

function chunksOf(segments: readonly SegmentRecord[], granularity: Granularity | null): Chunk[] {
  const widened = segments
    .map((record) => ({ interval: widen(record.interval, granularity), segments: [record] }))
    .sort((left, right) => left.interval.startMs - right.interval.startMs);
  const chunks: Chunk[] = [];
  for (const item of widened) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && item.interval.startMs < last.interval.endMs) {
      last.interval = { startMs: last.interval.startMs, endMs: Math.max(last.interval.endMs, item.interval.endMs) };
      last.segments.push(...item.segments);
    } else {
      chunks.push(item);
    }
  }
  return chunks;
}

function widen(interval: TimeInterval, granularity: Granularity | null): TimeInterval {
  if (granularity === null) return interval;
  return { startMs: granularity.bucketStart(interval.startMs), endMs: granularity.next(granularity.bucketStart(interval.endMs - 1)) };
}

function statusOf(interval: TimeInterval, segments: readonly SegmentRecord[], target: ChunkTarget, running: readonly TimeInterval[], skipAfterMs: number): ChunkStatus {
  const rows = segments.reduce((total, record) => total + record.info.rowCount, 0);
  const bytes = segments.reduce((total, record) => total + record.sizeBytes, 0);
  const base = { interval, segments: segments.length, rows, bytes, segmentIds: segments.map((record) => record.id) };
  if (running.some((other) => other.startMs < interval.endMs && interval.startMs < other.endMs)) {
    return { ...base, state: 'RUNNING', reason: 'interval has a running compaction' };
  }
  const needed = whyCompactionNeeded(interval, segments, target, rows);
  if (needed === null) {
    return { ...base, state: 'COMPACTED', reason: segments.length === 1 ? 'single segment at target size' : 'already compacted with this config' };
  }
  // The chunk's data, not its widened bounds, decides: PT0S skips nothing.
  const dataEndMs = segments.reduce((latest, record) => Math.max(latest, record.interval.endMs), Number.NEGATIVE_INFINITY);
  if (dataEndMs > skipAfterMs) {
    return { ...base, state: 'SKIPPED', reason: `within skipOffsetFromLatest (${target.skipOffsetFromLatest}) of the latest data; ${needed}` };
  }
  if (bytes > target.inputSegmentSizeBytes) {
    return { ...base, state: 'SKIPPED', reason: `${bytes} bytes exceed inputSegmentSizeBytes ${target.inputSegmentSizeBytes}; ${needed}` };
  }
  return { ...base, state: 'AWAITING', reason: needed };
}

/** Null when the chunk already looks like the output of a compaction with this target; else the first reason it does not. */
function whyCompactionNeeded(interval: TimeInterval, segments: readonly SegmentRecord[], target: ChunkTarget, rows: number): string | null {
  if (target.segmentGranularity !== null) {
    const misaligned = segments.find((record) => record.interval.startMs !== interval.startMs || record.interval.endMs !== interval.endMs);
    if (misaligned !== undefined) return `segment granularity differs: ${formatInterval(misaligned.interval)} is not ${formatInterval(interval)}`;
  }
  if (target.queryGranularity !== null) {
    const wanted = JSON.stringify(target.queryGranularity.json);
    const other = segments.find((record) => JSON.stringify(record.info.queryGranularity ?? 'none') !== wanted);
    if (other !== undefined) return `query granularity ${JSON.stringify(other.info.queryGranularity)} differs from ${wanted}`;
  }
  if (target.dimensions !== null) {
    const wanted = target.dimensions.join(',');
    const other = segments.find((record) => record.info.dimensions.join(',') !== wanted);
    if (other !== undefined) return `dimensions [${other.info.dimensions.join(', ')}] differ from [${target.dimensions.join(', ')}]`;
  }
  const versions = new Set(segments.map((record) => record.version));
  if (versions.size > 1) return `${versions.size} versions overlap (appends or partial overshadowing)`;
  const oversized = segments.find((record) => record.info.rowCount > target.maxRowsPerSegment);
  if (oversized !== undefined) return `segment of ${oversized.info.rowCount} rows exceeds ${target.maxRowsPerSegment}`;
  const minimum = Math.max(1, Math.ceil(rows / target.maxRowsPerSegment));
  if (segments.length > minimum) return `${segments.length} segments of ${rows} rows fit in ${minimum} at ${target.maxRowsPerSegment} rows each`;
  return null;
}
