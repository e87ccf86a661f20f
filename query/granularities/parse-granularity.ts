// Druid query granularity JSON → Granularity: simple names (UTC), {type:"duration"}, {type:"period"},
// {type:"all"|"none"}. Each shape goes to its fastest implementation: fixed-width arithmetic,
// UTC month arithmetic, or luxon for calendar periods in a time zone.
import { Duration, Info, type DurationLikeObject } from 'luxon';
import { invalidInput } from '../../cluster/errors.js';
import type { Granularity } from '../granularity.js';
import { isValidTimeZone, normalizeZoneName, parseTimestamp } from '../time-format.js';
import { AllGranularity } from './all-granularity.js';
import { FixedDurationGranularity } from './fixed-duration-granularity.js';
import { NoneGranularity } from './none-granularity.js';
import { UtcMonthGranularity } from './utc-month-granularity.js';
import { ZonedPeriodGranularity, type CalendarUnit } from './zoned-period-granularity.js';

export { bucketBoundaries } from './bucket-boundaries.js';

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
/** 1970-01-05, the first Monday after the epoch: ISO weeks start on Monday. */
const FIRST_MONDAY_MS = 4 * MS_PER_DAY;

const PERIOD_BY_NAME: Readonly<Record<string, string>> = {
  second: 'PT1S',
  minute: 'PT1M',
  five_minute: 'PT5M',
  ten_minute: 'PT10M',
  fifteen_minute: 'PT15M',
  thirty_minute: 'PT30M',
  hour: 'PT1H',
  six_hour: 'PT6H',
  eight_hour: 'PT8H',
  day: 'P1D',
  week: 'P1W',
  month: 'P1M',
  quarter: 'P3M',
  year: 'P1Y',
};

/** Integer period fields; fractional seconds become milliseconds as in Joda. */
interface PeriodFields {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly milliseconds: number;
}

function parsePeriodFields(text: unknown, path: string): PeriodFields {
  const duration = typeof text === 'string' && text.startsWith('P') ? Duration.fromISO(text) : null;
  if (duration === null || !duration.isValid) throw invalidInput(path, `'${String(text)}' is not an ISO-8601 period such as P1D or PT15M`);
  const object = duration.toObject();
  const seconds = object.seconds ?? 0;
  const fields: PeriodFields = {
    years: object.years ?? 0,
    months: (object.months ?? 0) + (object.quarters ?? 0) * 3,
    weeks: object.weeks ?? 0,
    days: object.days ?? 0,
    hours: object.hours ?? 0,
    minutes: object.minutes ?? 0,
    seconds: Math.trunc(seconds),
    milliseconds: (object.milliseconds ?? 0) + Math.round((seconds - Math.trunc(seconds)) * 1000),
  };
  const values = Object.values(fields);
  if (values.some((value) => !Number.isInteger(value) || value < 0)) {
    throw invalidInput(path, `'${text}' must have non-negative whole fields (only seconds may be fractional)`);
  }
  if (values.every((value) => value === 0)) throw invalidInput(path, 'a zero period is not a granularity');
  return fields;
}

function fixedWidthMs(fields: PeriodFields): number {
  return (
    (fields.weeks * 7 + fields.days) * MS_PER_DAY +
    fields.hours * MS_PER_HOUR +
    fields.minutes * MS_PER_MINUTE +
    fields.seconds * MS_PER_SECOND +
    fields.milliseconds
  );
}

/** The single calendar unit with amount 1, if the period is exactly that. */
function naturalUnitOf(fields: PeriodFields): CalendarUnit | null {
  const nonZero = Object.entries(fields).filter(([, value]) => value !== 0);
  if (nonZero.length !== 1 || nonZero[0]![1] !== 1) return null;
  const unit = nonZero[0]![0];
  return unit === 'years' ? 'year' : unit === 'months' ? 'month' : unit === 'weeks' ? 'week' : unit === 'days' ? 'day' : null;
}

function isUtcZone(zone: string | undefined): boolean {
  if (zone === undefined) return true;
  const normalized = Info.normalizeZone(zone);
  return normalized !== null && normalized.isUniversal && normalized.offset(0) === 0;
}

function periodGranularity(json: unknown, fields: PeriodFields, zone: string | undefined, originMs: number | null): Granularity {
  const calendarMonths = fields.years * 12 + fields.months;
  const widthMs = fixedWidthMs(fields);
  const naturalUnit = naturalUnitOf(fields);
  if (isUtcZone(zone)) {
    if (calendarMonths === 0) {
      const defaultOrigin = naturalUnit === 'week' ? FIRST_MONDAY_MS : 0;
      return new FixedDurationGranularity(json, widthMs, originMs ?? defaultOrigin);
    }
    if (widthMs === 0) return new UtcMonthGranularity(json, calendarMonths, originMs ?? 0);
  } else if (calendarMonths === 0 && fields.weeks === 0 && fields.days === 0) {
    // Hours and smaller are absolute time in Joda, so only the origin depends on the zone.
    const localEpoch = new ZonedPeriodGranularity(null, { days: 1 }, zone!, null, null).bucketStart(0);
    return new FixedDurationGranularity(json, widthMs, originMs ?? localEpoch, zone);
  }
  const period: DurationLikeObject = { ...fields };
  return new ZonedPeriodGranularity(json, period, zone ?? 'UTC', originMs, originMs === null ? naturalUnit : null);
}

function parseOrigin(json: unknown, path: string): number | null {
  if (json === undefined || json === null) return null;
  const ms = typeof json === 'string' ? parseTimestamp(json) : null;
  if (ms === null) throw invalidInput(path, `'${String(json)}' is not an ISO-8601 instant`);
  return ms;
}

function parseSimple(name: string, path: string): Granularity {
  const lower = name.toLowerCase();
  if (lower === 'all') return new AllGranularity();
  if (lower === 'none') return new NoneGranularity();
  const period = PERIOD_BY_NAME[lower];
  if (period === undefined) {
    throw invalidInput(path, `unknown granularity '${name}' (expected all, none, ${Object.keys(PERIOD_BY_NAME).join(', ')}, or a duration/period object)`);
  }
  return periodGranularity(lower, parsePeriodFields(period, path), undefined, null);
}

function parseDuration(spec: Readonly<Record<string, unknown>>, path: string): Granularity {
  const raw = spec['duration'];
  const durationMs = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs <= 0) {
    throw invalidInput(`${path}.duration`, 'must be a positive whole number of milliseconds');
  }
  const originMs = parseOrigin(spec['origin'], `${path}.origin`);
  const json = originMs === null ? { type: 'duration', duration: durationMs } : { type: 'duration', duration: durationMs, origin: spec['origin'] };
  return new FixedDurationGranularity(json, durationMs, originMs ?? 0);
}

function parsePeriodSpec(spec: Readonly<Record<string, unknown>>, path: string): Granularity {
  const fields = parsePeriodFields(spec['period'], `${path}.period`);
  const rawZone = spec['timeZone'];
  if (rawZone !== undefined && rawZone !== null && (typeof rawZone !== 'string' || !isValidTimeZone(rawZone))) {
    throw invalidInput(`${path}.timeZone`, `unknown time zone '${String(rawZone)}'`);
  }
  const zone = typeof rawZone === 'string' ? normalizeZoneName(rawZone) : undefined;
  const originMs = parseOrigin(spec['origin'], `${path}.origin`);
  const json: Record<string, unknown> = { type: 'period', period: spec['period'] };
  if (typeof rawZone === 'string') json['timeZone'] = rawZone;
  if (originMs !== null) json['origin'] = spec['origin'];
  return periodGranularity(json, fields, zone, originMs);
}

/** Parse a Druid granularity (string name or object). Bad input is invalidInput naming `path`. */
export function parseGranularity(json: unknown, path: string): Granularity {
  if (typeof json === 'string') return parseSimple(json, path);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidInput(path, 'must be a granularity name (e.g. "hour") or an object with a type');
  }
  const spec = json as Readonly<Record<string, unknown>>;
  switch (spec['type']) {
    case 'all':
      return new AllGranularity();
    case 'none':
      return new NoneGranularity();
    case 'duration':
      return parseDuration(spec, path);
    case 'period':
      return parsePeriodSpec(spec, path);
    default:
      throw invalidInput(`${path}.type`, `unknown granularity type '${String(spec['type'])}' (expected period, duration, all or none)`);
  }
}
