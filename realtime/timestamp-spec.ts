// Druid's timestampSpec: which field holds the row time and how to read it. A value that cannot be
// read is reported as null (the row is then unparseable), never thrown.
import { DateTime } from 'luxon';
import { invalidInput } from '../cluster/errors.js';
import { parseIsoTimestamp, utcZone } from '../query/expressions/iso-timestamp.js';
import { jodaToLuxon } from '../query/expressions/joda-pattern.js';
import { optionalString, type SpecObject } from './spec-fields.js';

export type TimestampFormat = 'auto' | 'iso' | 'millis' | 'posix' | 'micro' | 'nano' | 'ruby' | { readonly pattern: string };

export interface TimestampSpec {
  /** Input field holding the time (default "timestamp"). */
  readonly column: string;
  /** How the field is read: a named format or a Joda pattern. */
  readonly format: TimestampFormat;
  /** Time used when the field is absent or null (ms), or null to make such rows unparseable. */
  readonly missingValueMs: number | null;
  /** Reads a field value as ms since the epoch; null when missing or unreadable (before missingValue applies). */
  readonly parse: (value: unknown) => number | null;
}

const namedFormats = new Set(['auto', 'iso', 'millis', 'posix', 'micro', 'nano', 'ruby']);

/** The largest time a JavaScript Date holds, in ms either side of the epoch. */
const MAX_TIME_MS = 8.64e15;

export function parseTimestampSpec(object: SpecObject, path: string): TimestampSpec {
  const column = optionalString(object, 'column', path) ?? 'timestamp';
  const formatText = optionalString(object, 'format', path) ?? 'auto';
  const format: TimestampFormat = namedFormats.has(formatText) ? (formatText as TimestampFormat) : { pattern: formatText };
  const read = timestampReader(format, `${path}.format`);
  // A time no date can hold (past ±8.64e15 ms) makes the row unparseable, like any unreadable time.
  const parse = (value: unknown): number | null => {
    const timeMs = read(value);
    return timeMs !== null && Math.abs(timeMs) <= MAX_TIME_MS ? timeMs : null;
  };
  const missingValue = object['missingValue'];
  let missingValueMs: number | null = null;
  if (missingValue !== undefined && missingValue !== null) {
    missingValueMs = typeof missingValue === 'number' ? missingValue : typeof missingValue === 'string' ? parseIsoTimestamp(missingValue) : null;
    if (missingValueMs === null) throw invalidInput(`${path}.missingValue`, 'must be an ISO-8601 timestamp or epoch milliseconds');
  }
  return { column, format, missingValueMs, parse };
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function floorDivide(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor < 0n ? quotient - 1n : quotient;
}

/** Reads a number in some unit and converts it to ms: multiplied for coarser units, divided for finer. */
function scaled(multiplier: number, divisor: number): (value: unknown) => number | null {
  return (value) => {
    // Digit strings of micros/nanos exceed 2^53; divide them exactly.
    if (divisor > 1 && typeof value === 'string' && /^-?\d+$/.test(value)) return Number(floorDivide(BigInt(value), BigInt(divisor)));
    const number = numberOf(value);
    return number === null ? null : Math.floor((number * multiplier) / divisor);
  };
}

/** The reader for a format. `auto` takes numbers (and all-digit strings) as millis, anything else as ISO-8601. */
export function timestampReader(format: TimestampFormat, path: string): (value: unknown) => number | null {
  if (typeof format === 'object') return patternReader(format.pattern, path);
  switch (format) {
    case 'auto':
      return (value) => {
        if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
        if (typeof value !== 'string') return null;
        return /^\d+$/.test(value) ? Number(value) : parseIsoTimestamp(value);
      };
    case 'iso':
      return (value) => (typeof value === 'string' ? parseIsoTimestamp(value) : null);
    case 'millis':
      return scaled(1, 1);
    case 'posix':
      return scaled(1000, 1);
    case 'ruby':
      return scaled(1000, 1);
    case 'micro':
      return scaled(1, 1000);
    case 'nano':
      return scaled(1, 1_000_000);
  }
}

function patternReader(pattern: string, path: string): (value: unknown) => number | null {
  const format = jodaToLuxon(pattern, path, 'parse');
  return (value) => {
    if (value === null || value === undefined) return null;
    const parsed = DateTime.fromFormat(typeof value === 'string' ? value : String(value), format, { zone: utcZone });
    return parsed.isValid ? parsed.toMillis() : null;
  };
}
