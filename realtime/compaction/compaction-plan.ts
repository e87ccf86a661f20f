// What a compaction task will do: its input segments (with their visible parts), the output time
// chunks, and the new version. Planning refuses intervals that would overshadow data the task does
// not read: a segment crossing the interval's edge, or an interval not aligned to the new segment
// granularity.
import { invalidInput } from '../../cluster/errors.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { Granularity } from '../../query/granularity.js';
import { formatInterval } from '../../query/intervals.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import type { CompactionSpec } from './compaction-spec.js';
import { overlaps, visibleIntervalsOf } from './visible-intervals.js';

export interface CompactionInput {
  readonly record: SegmentRecord;
  /** Parts of the segment no higher version hides; empty when fully overshadowed (read nothing). */
  readonly visible: readonly TimeInterval[];
}

export interface CompactionPlan {
  readonly dataSource: string;
  readonly interval: TimeInterval;
  /** Every used segment overlapping the interval; all are retired by the publish. */
  readonly inputs: readonly CompactionInput[];
  /** Version of the output segments: later than every input's. */
  readonly version: string;
  /** Start and end of the output chunk holding an instant. */
  readonly chunkOf: (timeMs: number) => TimeInterval;
}

export function planCompaction(spec: CompactionSpec, used: readonly SegmentRecord[], nowMs: number): CompactionPlan {
  const { interval } = spec;
  const inputs = used.filter((record) => record.dataSource === spec.dataSource && overlaps(record.interval, interval));
  const intervalPath = 'ioConfig.inputSpec.interval';
  if (inputs.length === 0) throw invalidInput(intervalPath, `no used segments of '${spec.dataSource}' overlap ${formatInterval(interval)}`);
  for (const record of inputs) {
    if (record.interval.startMs < interval.startMs || record.interval.endMs > interval.endMs) {
      const widened = { startMs: Math.min(interval.startMs, record.interval.startMs), endMs: Math.max(interval.endMs, record.interval.endMs) };
      throw invalidInput(intervalPath, `segment ${record.id} extends outside ${formatInterval(interval)}; compact whole segments, e.g. ${formatInterval(widened)}`);
    }
  }
  if (spec.segmentGranularity !== null) checkAligned(interval, spec.segmentGranularity, intervalPath);
  const visible = visibleIntervalsOf(inputs);
  return {
    dataSource: spec.dataSource,
    interval,
    inputs: inputs.map((record) => ({ record, visible: visible.get(record.id) ?? [] })),
    version: versionAfter(inputs, nowMs),
    chunkOf: spec.segmentGranularity === null ? inputChunks(inputs) : granularityChunks(spec.segmentGranularity),
  };
}

function checkAligned(interval: TimeInterval, granularity: Granularity, path: string): void {
  const alignedStart = granularity.bucketStart(interval.startMs);
  const endBucket = granularity.bucketStart(interval.endMs - 1);
  const alignedEnd = granularity.next(endBucket);
  if (alignedStart !== interval.startMs || alignedEnd !== interval.endMs) {
    const aligned = formatInterval({ startMs: alignedStart, endMs: alignedEnd });
    throw invalidInput(path, `${formatInterval(interval)} is not aligned to segmentGranularity ${JSON.stringify(granularity.json)}; use ${aligned}`);
  }
}

/** An ISO timestamp of now, or just above the newest input version if a clock lags behind it. */
export function versionAfter(inputs: readonly SegmentRecord[], nowMs: number): string {
  const now = new Date(nowMs).toISOString();
  let newest = '';
  for (const record of inputs) if (record.version > newest) newest = record.version;
  return now > newest ? now : `${newest}_compacted`;
}

function granularityChunks(granularity: Granularity): (timeMs: number) => TimeInterval {
  return (timeMs) => {
    const startMs = granularity.bucketStart(timeMs);
    return { startMs, endMs: granularity.next(startMs) };
  };
}

/** Chunks = connected unions of the input intervals, so every output covers exactly the inputs it replaces. */
function inputChunks(inputs: readonly SegmentRecord[]): (timeMs: number) => TimeInterval {
  const sorted = inputs.map((record) => record.interval).sort((left, right) => left.startMs - right.startMs);
  const chunks: TimeInterval[] = [];
  for (const interval of sorted) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && interval.startMs < last.endMs) chunks[chunks.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, interval.endMs) };
    else chunks.push(interval);
  }
  return (timeMs) => {
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (chunks[middle]!.startMs <= timeMs) low = middle;
      else high = middle - 1;
    }
    return chunks[low]!;
  };
}
