// Druid's ISO-8601 interval syntax (start/end, start/period, period/end) parsed to half-open ms
// ranges, and the query `intervals` field (a string, a list, or {"type":"intervals"}) condensed.
import { DateTime, Duration } from 'luxon';
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';
import { parseTimestamp } from './time-format.js';

const DATE_LIMIT_MS = 8.64e15;

/** JavaScript Date's range, ±8.64e15 ms; every parsed instant is clamped into it. */
export const ETERNITY: TimeInterval = Object.freeze({ startMs: -DATE_LIMIT_MS, endMs: DATE_LIMIT_MS });

function clamp(ms: number): number {
  return Math.min(DATE_LIMIT_MS, Math.max(-DATE_LIMIT_MS, ms));
}

/** An ISO-8601 period (`P1D`, `PT1H`, `P1Y2M`, `P2W`) as a luxon Duration, or null if malformed. */
export function parsePeriod(text: string): Duration | null {
  if (!/^P/.test(text)) return null;
  const duration = Duration.fromISO(text);
  return duration.isValid ? duration : null;
}

/** `instant ± period` in UTC calendar arithmetic (a month is a calendar month), clamped to ETERNITY. */
function shiftByPeriod(instantMs: number, period: Duration, sign: 1 | -1): number {
  const start = DateTime.fromMillis(clamp(instantMs), { zone: 'utc' });
  const shifted = sign === 1 ? start.plus(period) : start.minus(period);
  if (shifted.isValid) return clamp(shifted.toMillis());
  // Past the Date range: luxon gives up; the true result lies beyond the limit in the shift's direction.
  return sign * (period.toMillis() >= 0 ? 1 : -1) * DATE_LIMIT_MS;
}

function parseInstant(text: string, path: string): number {
  const ms = parseTimestamp(text);
  if (ms === null) throw invalidInput(path, `'${text}' is not an ISO-8601 instant`);
  return clamp(ms);
}

/** Parse `start/end`, `start/period` or `period/end` (ISO-8601); instants without a zone are UTC. */
export function parseInterval(text: string, path: string): TimeInterval {
  if (typeof text !== 'string') throw invalidInput(path, 'must be an ISO-8601 interval string');
  const parts = text.trim().split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw invalidInput(path, `'${text}' is not an ISO-8601 interval (expected start/end, start/period or period/end)`);
  }
  const [left, right] = parts as [string, string];
  let startMs: number;
  let endMs: number;
  if (left.startsWith('P')) {
    const period = parsePeriod(left);
    if (period === null) throw invalidInput(path, `'${left}' is not an ISO-8601 period`);
    endMs = parseInstant(right, path);
    startMs = shiftByPeriod(endMs, period, -1);
  } else if (right.startsWith('P')) {
    const period = parsePeriod(right);
    if (period === null) throw invalidInput(path, `'${right}' is not an ISO-8601 period`);
    startMs = parseInstant(left, path);
    endMs = shiftByPeriod(startMs, period, 1);
  } else {
    startMs = parseInstant(left, path);
    endMs = parseInstant(right, path);
  }
  if (startMs > endMs) throw invalidInput(path, `interval '${text}' ends before it starts`);
  return { startMs, endMs };
}

/** Sort and merge overlapping or abutting intervals (Druid's condenseIntervals). */
export function condenseIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const condensed: TimeInterval[] = [];
  for (const interval of sorted) {
    const last = condensed[condensed.length - 1];
    if (last !== undefined && interval.startMs <= last.endMs) {
      if (interval.endMs > last.endMs) condensed[condensed.length - 1] = { startMs: last.startMs, endMs: interval.endMs };
    } else {
      condensed.push({ startMs: interval.startMs, endMs: interval.endMs });
    }
  }
  return condensed;
}

function parseIntervalList(list: readonly unknown[], path: string): TimeInterval[] {
  return list.map((item, index) => {
    if (typeof item !== 'string') throw invalidInput(`${path}[${index}]`, 'must be an ISO-8601 interval string');
    return parseInterval(item, `${path}[${index}]`);
  });
}

/**
 * Druid's query `intervals` field: a string, an array of strings, or
 * `{"type":"intervals","intervals":[...]}`. Returned sorted with overlapping/abutting intervals merged.
 */
export function parseIntervals(json: unknown, path: string): TimeInterval[] {
  if (typeof json === 'string') return [parseInterval(json, path)];
  if (Array.isArray(json)) return condenseIntervals(parseIntervalList(json, path));
  if (typeof json === 'object' && json !== null) {
    const spec = json as Record<string, unknown>;
    if (spec['type'] === 'intervals') {
      const list = spec['intervals'];
      if (!Array.isArray(list)) throw invalidInput(`${path}.intervals`, 'must be an array of ISO-8601 interval strings');
      return condenseIntervals(parseIntervalList(list, `${path}.intervals`));
    }
    if (spec['type'] === 'segments') {
      throw new SedimentError('unsupported', `${path}: intervals of type 'segments' are not supported`);
    }
    throw invalidInput(`${path}.type`, `unknown intervals type '${String(spec['type'])}' (expected 'intervals')`);
  }
  throw invalidInput(path, 'must be an ISO-8601 interval string, an array of them, or {"type":"intervals",...}');
}

/** `2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z`. */
export function formatInterval(interval: TimeInterval): string {
  return `${new Date(interval.startMs).toISOString()}/${new Date(interval.endMs).toISOString()}`;
}
