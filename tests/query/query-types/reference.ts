// A straightforward reference evaluator over literal rows: loops, Maps and plain comparisons only,
// written independently of the engine so the tests check the engine against Druid's semantics.
import { DateTime } from 'luxon';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import type { Row, TestSegment } from './random-data.js';

export type Value = string | number | null;
export type Json = Record<string, unknown>;

/** Rows of each segment inside its slice's intervals, with the slice they came from. */
export interface VisibleRow {
  readonly row: Row;
  readonly segmentIndex: number;
}

export function visibleRows(segments: readonly TestSegment[], slices: readonly SegmentSlice[]): VisibleRow[] {
  const visible: VisibleRow[] = [];
  segments.forEach((segment, segmentIndex) => {
    const intervals = slices[segmentIndex]!.intervals;
    const sorted = [...segment.rows].sort((left, right) => Number(left['__time']) - Number(right['__time']));
    for (const row of sorted) {
      const time = Number(row['__time']);
      if (intervals.some((interval) => time >= interval.startMs && time < interval.endMs)) visible.push({ row, segmentIndex });
    }
  });
  return visible;
}

/** The row's values of a string dimension: missing/null/[] → [null]; arrays as given. */
export function dimensionValues(row: Row, name: string): (string | null)[] {
  const raw = name === '__time' ? row['__time'] : row[name];
  if (raw === undefined || raw === null) return [null];
  if (Array.isArray(raw)) return raw.length === 0 ? [null] : raw.map((value) => (value === null ? null : String(value)));
  return [String(raw)];
}

// ---- filters (three-valued: true, false, null = unknown) ----

export function filterMatches(filter: Json | undefined, row: Row): boolean {
  return filter === undefined || evaluateFilter(filter, row) === true;
}

function evaluateFilter(filter: Json, row: Row): boolean | null {
  switch (filter['type']) {
    case 'selector':
      return anyValue(row, String(filter['dimension']), (value) => value === filter['value']);
    case 'in': {
      const values = filter['values'] as Value[];
      return anyValue(row, String(filter['dimension']), (value) => values.includes(value));
    }
    case 'not': {
      const inner = evaluateFilter(filter['field'] as Json, row);
      return inner === null ? null : !inner;
    }
    case 'and': {
      const results = (filter['fields'] as Json[]).map((field) => evaluateFilter(field, row));
      if (results.includes(false)) return false;
      return results.includes(null) ? null : true;
    }
    case 'or': {
      const results = (filter['fields'] as Json[]).map((field) => evaluateFilter(field, row));
      if (results.includes(true)) return true;
      return results.includes(null) ? null : false;
    }
    default:
      throw new Error(`reference: filter ${String(filter['type'])}`);
  }
}

/** True if some value matches; a null value is matched only by a null-seeking predicate, else unknown. */
function anyValue(row: Row, dimension: string, predicate: (value: string | null) => boolean): boolean | null {
  const values = dimensionValues(row, dimension);
  if (values.some(predicate)) return true;
  return values.includes(null) ? null : false;
}

// ---- aggregators ----

export function aggregate(aggregator: Json, rows: readonly Row[]): unknown {
  const type = String(aggregator['type']);
  if (type === 'count') return rows.length;
  const inputs = rows.map((row) => row[String(aggregator['fieldName'])]).filter((value): value is number => typeof value === 'number');
  if (inputs.length === 0) return null;
  switch (type) {
    case 'longSum':
    case 'doubleSum':
      return inputs.reduce((total, value) => total + value, 0);
    case 'longMin':
    case 'doubleMin':
      return Math.min(...inputs);
    case 'longMax':
    case 'doubleMax':
      return Math.max(...inputs);
    default:
      throw new Error(`reference: aggregator ${type}`);
  }
}

export function aggregateAll(aggregators: readonly Json[], rows: readonly Row[]): Json {
  const result: Json = {};
  for (const aggregator of aggregators) result[String(aggregator['name'])] = aggregate(aggregator, rows);
  return result;
}

/** Supports arithmetic over fieldAccess/constant, the post-aggregators the tests use. */
export function postAggregate(postAggregator: Json, row: Json): unknown {
  switch (postAggregator['type']) {
    case 'fieldAccess':
    case 'finalizingFieldAccess':
      return row[String(postAggregator['fieldName'])] ?? null;
    case 'constant':
      return postAggregator['value'];
    case 'arithmetic': {
      const values = (postAggregator['fields'] as Json[]).map((field) => postAggregate(field, row));
      if (values.some((value) => value === null)) return null;
      const numbers = values as number[];
      switch (postAggregator['fn']) {
        case '+':
          return numbers.reduce((left, right) => left + right);
        case '-':
          return numbers.reduce((left, right) => left - right);
        case '*':
          return numbers.reduce((left, right) => left * right);
        case '/':
          return numbers.reduce((left, right) => (right === 0 ? 0 : left / right));
        default:
          throw new Error('reference: arithmetic fn');
      }
    }
    default:
      throw new Error(`reference: post-aggregator ${String(postAggregator['type'])}`);
  }
}

export function withPostAggregations(postAggregations: readonly Json[] | undefined, row: Json): Json {
  for (const postAggregator of postAggregations ?? []) row[String(postAggregator['name'])] = postAggregate(postAggregator, row);
  return row;
}

// ---- granularities ----

const fixedMs: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  fifteen_minute: 900_000,
  thirty_minute: 1_800_000,
  hour: 3_600_000,
  six_hour: 21_600_000,
  day: 86_400_000,
};

export function isAll(granularity: unknown): boolean {
  return granularity === 'all' || granularity === undefined;
}

export function bucketStart(granularity: unknown, timeMs: number): number {
  if (typeof granularity === 'string') {
    if (granularity === 'none') return timeMs;
    if (granularity in fixedMs) return Math.floor(timeMs / fixedMs[granularity]!) * fixedMs[granularity]!;
    const date = new Date(timeMs);
    if (granularity === 'week') {
      const mondayMs = Date.UTC(1970, 0, 5);
      return Math.floor((timeMs - mondayMs) / (7 * 86_400_000)) * 7 * 86_400_000 + mondayMs;
    }
    if (granularity === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    if (granularity === 'quarter') return Date.UTC(date.getUTCFullYear(), Math.floor(date.getUTCMonth() / 3) * 3, 1);
    if (granularity === 'year') return Date.UTC(date.getUTCFullYear(), 0, 1);
  }
  const spec = granularity as Json;
  if (spec['type'] === 'duration') {
    const duration = Number(spec['duration']);
    const originMs = spec['origin'] === undefined ? 0 : Date.parse(String(spec['origin']));
    return Math.floor((timeMs - originMs) / duration) * duration + originMs;
  }
  if (spec['type'] === 'period') {
    const unit = spec['period'] === 'P1D' ? 'day' : spec['period'] === 'P1M' ? 'month' : null;
    if (unit === null) throw new Error('reference: period');
    return DateTime.fromMillis(timeMs, { zone: String(spec['timeZone'] ?? 'UTC') }).startOf(unit).toMillis();
  }
  throw new Error(`reference: granularity ${JSON.stringify(granularity)}`);
}

export function nextBucket(granularity: unknown, startMs: number): number {
  if (granularity === 'none') return startMs + 1;
  let probe = startMs + 1;
  let step = 1000;
  // Grow the probe until it leaves the bucket, then binary-search the boundary.
  while (bucketStart(granularity, probe) === startMs) {
    probe = startMs + step;
    step *= 2;
  }
  let low = startMs + 1;
  let high = probe;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (bucketStart(granularity, middle) === startMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function formatTime(granularity: unknown, timeMs: number): string {
  const spec = granularity as Json | string;
  if (typeof spec === 'object' && spec['type'] === 'period' && spec['timeZone'] !== undefined) {
    return DateTime.fromMillis(timeMs, { zone: String(spec['timeZone']) }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ");
  }
  return new Date(timeMs).toISOString();
}

/** The slice intervals clipped to the segment's first/last row time; Druid fills and stamps inside these. */
export function clippedSliceIntervals(segment: TestSegment, slice: SegmentSlice): { startMs: number; endMs: number }[] {
  const times = segment.rows.map((row) => Number(row['__time']));
  if (times.length === 0) return [];
  const first = Math.min(...times);
  const last = Math.max(...times);
  return slice.intervals
    .map((interval) => ({ startMs: Math.max(interval.startMs, first), endMs: Math.min(interval.endMs, last + 1) }))
    .filter((interval) => interval.startMs < interval.endMs);
}

/** Druid's `all` timestamp when data exists: the earliest clipped slice start over all segments. */
export function allTimestamp(segments: readonly TestSegment[], slices: readonly SegmentSlice[]): number | null {
  let earliest: number | null = null;
  segments.forEach((segment, index) => {
    const clipped = clippedSliceIntervals(segment, slices[index]!);
    if (clipped.length > 0) earliest = earliest === null ? clipped[0]!.startMs : Math.min(earliest, clipped[0]!.startMs);
  });
  return earliest;
}

/** Orders values: null first, numbers numerically, strings by code units (ASCII test data). */
export function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === null || left === undefined) return -1;
  if (right === null || right === undefined) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left) < String(right) ? -1 : 1;
}
