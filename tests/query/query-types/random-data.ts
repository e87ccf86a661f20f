// Randomized test datasources: several segments of literal rows (strings, multi-value strings, longs
// and doubles with nulls, a column missing from some segments) and slices over them.
import { segmentFromRows, type ColumnSpec } from '../../../segment-format/in-memory-segment.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import type { TimeInterval } from '../../../segment-format/segment-metadata.js';

export type Row = Readonly<Record<string, unknown>>;

/** A deterministic PRNG (mulberry32) so failures reproduce from the seed. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export const DAY_MS = 86_400_000;
export const START_MS = Date.UTC(2024, 0, 29); // a Monday, so week buckets start on segment days
const pages = ['alpha', 'beta', 'gamma', 'delta', 'Epsilon', 'zeta', null] as const;
const tags = ['x', 'y', 'z', 'w'] as const;
const countries = ['US', 'FR', 'JP', null] as const;

export interface TestSegment {
  readonly rows: readonly Row[];
  readonly slice: SegmentSlice;
}

/** One row; a few fields are left out entirely so missing values and nulls are both exercised. */
function randomRow(random: () => number, dayStartMs: number, withCountry: boolean): Row {
  const tagCount = Math.floor(random() * 4);
  const rowTags = tagCount === 0 ? (random() < 0.5 ? null : []) : Array.from({ length: tagCount }, () => pick(random, tags));
  const row: Record<string, unknown> = {
    // Minutes and some repeated instants so `none` and `second` buckets hold several rows.
    __time: dayStartMs + Math.floor(random() * 24 * 12) * 300_000 + (random() < 0.2 ? 0 : Math.floor(random() * 3) * 1000),
    page: pick(random, pages),
    tags: rowTags,
    added: random() < 0.15 ? null : Math.floor(random() * 200) - 50,
    delta: random() < 0.15 ? null : Math.round((random() * 100 - 30) * 4) / 4 + 0, // + 0 turns -0 into 0
  };
  if (withCountry) row['country'] = pick(random, countries);
  return row;
}

/**
 * `segmentCount` day-long segments starting at START_MS; the country column exists only in even
 * segments. Each slice is the segment's interval, sometimes clipped to simulate an overshadowed part.
 */
export function randomSegments(random: () => number, segmentCount: number, rowsPerSegment: number, clip = true): TestSegment[] {
  const segments: TestSegment[] = [];
  for (let index = 0; index < segmentCount; index++) {
    const dayStartMs = START_MS + index * DAY_MS;
    const withCountry = index % 2 === 0;
    const rows = Array.from({ length: rowsPerSegment }, () => randomRow(random, dayStartMs, withCountry));
    const columns: ColumnSpec[] = [
      { name: 'page', kind: 'string' },
      { name: 'tags', kind: 'multiString' },
      ...(withCountry ? [{ name: 'country', kind: 'string' } as const] : []),
      { name: 'added', kind: 'long' },
      { name: 'delta', kind: 'double' },
    ];
    const interval = { startMs: dayStartMs, endMs: dayStartMs + DAY_MS };
    const segment = segmentFromRows(
      {
        dataSource: 'wiki',
        interval,
        version: '2024-01-01T00:00:00.000Z',
        partition: 0,
        rollup: false,
        queryGranularity: { type: 'none' },
        dimensions: columns.filter((column) => column.kind === 'string' || column.kind === 'multiString').map((column) => column.name),
        metrics: [
          { name: 'added', aggregator: { type: 'longSum', name: 'added', fieldName: 'added' } },
          { name: 'delta', aggregator: { type: 'doubleSum', name: 'delta', fieldName: 'delta' } },
        ],
      },
      columns,
      rows,
    );
    const clipped = clip && random() < 0.5 ? clipInterval(random, interval) : interval;
    segments.push({ rows, slice: { segment, intervals: [clipped] } });
  }
  return segments;
}

function clipInterval(random: () => number, interval: TimeInterval): TimeInterval {
  const hourMs = 3_600_000;
  const startMs = interval.startMs + Math.floor(random() * 6) * hourMs + (random() < 0.5 ? 1_234 : 0);
  const endMs = interval.endMs - Math.floor(random() * 6) * hourMs;
  return { startMs, endMs };
}

/** Restrict slices to the query intervals, as the broker's timeline would. */
export function slicesFor(segments: readonly TestSegment[], queryIntervals: readonly TimeInterval[]): SegmentSlice[] {
  return segments.map(({ slice }) => ({
    segment: slice.segment,
    intervals: slice.intervals.flatMap((visible) =>
      queryIntervals
        .map((query) => ({ startMs: Math.max(query.startMs, visible.startMs), endMs: Math.min(query.endMs, visible.endMs) }))
        .filter((interval) => interval.startMs < interval.endMs),
    ),
  }));
}

export function isoInterval(interval: TimeInterval): string {
  return `${new Date(interval.startMs).toISOString()}/${new Date(interval.endMs).toISOString()}`;
}
