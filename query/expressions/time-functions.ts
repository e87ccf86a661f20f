// Time functions. Timestamps are long milliseconds since the epoch; patterns are Joda patterns;
// periods are ISO-8601; time zones are IANA names or offsets. Patterns, periods, units and zones must
// be literals (as in Druid) and are compiled once per call site.
import { DateTime, Duration, type Zone } from 'luxon';
import { invalidInput } from '../../cluster/errors.js';
import type { Granularity } from '../granularity.js';
import { parseGranularity } from '../granularities/parse-granularity.js';
import type { ExpressionNode } from './expression-node.js';
import { lazyFunction, literalString, type FunctionDefinition } from './function-definition.js';
import { asLong, type ExprScalar, type ExprValue } from './expression-value.js';
import { formatIsoTimestamp, parseIsoTimestamp, parseTimeZone, utcZone } from './iso-timestamp.js';
import { jodaToLuxon } from './joda-pattern.js';

function scalar(value: ExprValue): ExprScalar {
  return Array.isArray(value) ? (value.length === 1 ? value[0]! : null) : value;
}

function millisOf(value: ExprValue): number | null {
  const long = asLong(scalar(value));
  return long === null ? null : Number(long);
}

function zoneArgument(args: readonly ExpressionNode[], index: number, path: string): Zone {
  const name = literalString(args, index, path, 'time zone', null);
  return name === null ? utcZone : parseTimeZone(name, path);
}

/** Evaluates an argument that reads no columns (e.g. origin `timestamp('2000-01-01')`) once, at bind time. */
function constantArgument(args: readonly ExpressionNode[], index: number, path: string, what: string): ExprValue {
  const node = args[index];
  if (node === undefined) return null;
  const columns: string[] = [];
  node.collectColumns(columns);
  if (columns.length > 0) throw invalidInput(path, `argument ${index + 1} (${what}) must be a constant`);
  return node.evaluate(() => null);
}

/** A parser for timestamp strings: Joda pattern when given, else ISO-8601 or SQL format. */
function timestampParser(pattern: string | null, zone: Zone, path: string): (text: string) => number | null {
  if (pattern === null) return (text) => parseIsoTimestamp(text, zone);
  const format = jodaToLuxon(pattern, path, 'parse');
  return (text) => {
    const parsed = DateTime.fromFormat(text, format, { zone });
    return parsed.isValid ? parsed.toMillis() : null;
  };
}

function parsingFunction(name: 'timestamp' | 'timestamp_parse' | 'unix_timestamp'): FunctionDefinition {
  return lazyFunction(name, 1, name === 'timestamp_parse' ? 3 : 2, (args, path) => {
    const parse = timestampParser(literalString(args, 1, path, 'pattern', null), zoneArgument(args, 2, path), path);
    const divisor = name === 'unix_timestamp' ? 1000 : 1;
    return (get) => {
      const value = scalar(args[0]!.evaluate(get));
      if (value === null) return null;
      const millis = typeof value === 'string' ? parse(value) : Number(asLong(value));
      return millis === null || !Number.isFinite(millis) ? null : BigInt(Math.floor(millis / divisor));
    };
  });
}

const timestampFormat = lazyFunction('timestamp_format', 1, 3, (args, path) => {
  const pattern = literalString(args, 1, path, 'pattern', null);
  const zone = zoneArgument(args, 2, path);
  const format = pattern === null ? null : jodaToLuxon(pattern, path, 'format');
  return (get) => {
    const millis = millisOf(args[0]!.evaluate(get));
    if (millis === null) return null;
    if (format === null) return formatIsoTimestamp(millis, zone);
    return DateTime.fromMillis(millis, { zone }).toFormat(format);
  };
});

/** timestamp_floor / timestamp_ceil via the period granularity, so they agree with query granularities. */
function roundingFunction(name: 'timestamp_floor' | 'timestamp_ceil'): FunctionDefinition {
  return lazyFunction(name, 2, 4, (args, path) => {
    const period = literalString(args, 1, path, 'period', null);
    if (period === null) throw invalidInput(path, `${name}: the period must be a non-null string literal`);
    const originMillis = millisOf(constantArgument(args, 2, path, 'origin'));
    const timeZone = literalString(args, 3, path, 'time zone', null);
    const json: Record<string, unknown> = { type: 'period', period };
    if (timeZone !== null) json['timeZone'] = timeZone;
    if (originMillis !== null) json['origin'] = new Date(originMillis).toISOString();
    const granularity: Granularity = parseGranularity(json, path);
    return (get) => {
      const millis = millisOf(args[0]!.evaluate(get));
      if (millis === null) return null;
      const start = granularity.bucketStart(millis);
      return BigInt(name === 'timestamp_floor' || start === millis ? start : granularity.next(start));
    };
  });
}

const timestampShift = lazyFunction('timestamp_shift', 3, 4, (args, path) => {
  const periodText = literalString(args, 1, path, 'period', null);
  const period = periodText === null ? null : Duration.fromISO(periodText);
  if (period === null || !period.isValid) throw invalidInput(path, `timestamp_shift: '${periodText}' is not an ISO-8601 period`);
  const zone = zoneArgument(args, 3, path);
  return (get) => {
    const millis = millisOf(args[0]!.evaluate(get));
    const step = asLong(scalar(args[2]!.evaluate(get)));
    if (millis === null || step === null) return null;
    const shifted = DateTime.fromMillis(millis, { zone }).plus(period.mapUnits((value) => value * Number(step)));
    return shifted.isValid ? BigInt(shifted.toMillis()) : null;
  };
});

type ExtractUnit = (time: DateTime, millis: number) => number;

const extractUnits: Record<string, ExtractUnit> = {
  EPOCH: (_time, millis) => Math.floor(millis / 1000),
  MILLISECOND: (time) => time.millisecond,
  SECOND: (time) => time.second,
  MINUTE: (time) => time.minute,
  HOUR: (time) => time.hour,
  DAY: (time) => time.day,
  DOW: (time) => time.weekday,
  ISODOW: (time) => time.weekday,
  DOY: (time) => time.ordinal,
  WEEK: (time) => time.weekNumber,
  MONTH: (time) => time.month,
  QUARTER: (time) => time.quarter,
  YEAR: (time) => time.year,
  ISOYEAR: (time) => time.weekYear,
  DECADE: (time) => Math.floor(time.year / 10),
  CENTURY: (time) => Math.ceil(time.year / 100),
  MILLENNIUM: (time) => Math.ceil(time.year / 1000),
};

const timestampExtract = lazyFunction('timestamp_extract', 2, 3, (args, path) => {
  const unitName = literalString(args, 1, path, 'unit', null)?.toUpperCase() ?? '';
  const unit = extractUnits[unitName];
  if (unit === undefined) throw invalidInput(path, `timestamp_extract: unknown unit '${unitName}' (expected one of ${Object.keys(extractUnits).join(', ')})`);
  const zone = zoneArgument(args, 2, path);
  return (get) => {
    const millis = millisOf(args[0]!.evaluate(get));
    if (millis === null) return null;
    return BigInt(unit(DateTime.fromMillis(millis, { zone }), millis));
  };
});

export const timeFunctions: readonly FunctionDefinition[] = [
  parsingFunction('timestamp'),
  parsingFunction('timestamp_parse'),
  parsingFunction('unix_timestamp'),
  timestampFormat,
  roundingFunction('timestamp_floor'),
  roundingFunction('timestamp_ceil'),
  timestampShift,
  timestampExtract,
];

/** Used by tests and by callers that need the same string → millis rules as `timestamp_parse`. */
export function parseTimestampText(text: string, pattern: string | null, timeZone: string | null, path: string): number | null {
  return timestampParser(pattern, timeZone === null ? utcZone : parseTimeZone(timeZone, path), path)(text);
}
