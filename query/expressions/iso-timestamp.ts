// Fast ISO-8601 / SQL timestamp parsing for the forms ingestion sees on every row
// ("2020-01-02", "2020-01-02T03:04:05.678Z", "2020-01-02 03:04:05+01:00"), with luxon as the
// fallback for everything else ISO allows (week dates, ordinal dates, basic format, named zones).
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { invalidInput } from '../../cluster/errors.js';

const commonForm =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export const utcZone: Zone = FixedOffsetZone.utcInstance;

/** A time zone from an IANA name ("America/Los_Angeles") or an offset ("-08:00", "+0530", "UTC"). */
export function parseTimeZone(text: string, path: string): Zone {
  if (text === 'UTC' || text === 'Z' || text === 'utc' || text === 'Etc/UTC') return utcZone;
  const offset = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    return FixedOffsetZone.instance(offset[1] === '-' ? -minutes : minutes);
  }
  const zone = IANAZone.create(text);
  if (!zone.isValid) throw invalidInput(path, `unknown time zone '${text}'`);
  return zone;
}

function offsetMinutes(text: string): number {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/**
 * Milliseconds since the epoch for an ISO-8601 or SQL-style timestamp; strings without an offset are
 * read in `zone` (UTC by default). Returns null when the text is not a timestamp.
 */
export function parseIsoTimestamp(text: string, zone: Zone = utcZone): number | null {
  const match = commonForm.exec(text);
  if (match !== null && (match[8] !== undefined || zone.isUniversal)) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const hour = Number(match[4] ?? 0);
    const minute = Number(match[5] ?? 0);
    const second = Number(match[6] ?? 0);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
    const millis = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000 + 1e-6);
    const utc = (daysFromEpoch(year, month, day) * 24 + hour) * 3_600_000 + minute * 60_000 + second * 1000 + millis;
    const offset = match[8] !== undefined ? offsetMinutes(match[8]) : zone.offset(utc);
    return utc - offset * 60_000;
  }
  const parsed = DateTime.fromISO(text.trim().replace(' ', 'T'), { zone });
  return parsed.isValid ? parsed.toMillis() : null;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromEpoch(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** ISO-8601 with milliseconds, as Druid prints timestamps ("2020-01-02T03:04:05.678Z" in UTC). */
export function formatIsoTimestamp(millis: number, zone: Zone = utcZone): string {
  if (zone.isUniversal && zone.offset(millis) === 0 && millis >= -62167219200000 && millis < 253402300800000) {
    return new Date(millis).toISOString();
  }
  return DateTime.fromMillis(millis, { zone }).toISO({ suppressMilliseconds: false }) ?? String(millis);
}
