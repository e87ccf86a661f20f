// ISO-8601 instants as Druid (Joda's dateTimeParser) reads and prints them. Parsing is done by hand
// rather than with Date.parse: Date.parse reads date-only and zone-less text inconsistently, rejects
// week and ordinal dates, and cannot represent Druid's far-future/far-past eternity bounds.
import { DateTime } from 'luxon';
import { invalidInput } from '../cluster/errors.js';

const MS_PER_DAY = 86_400_000;

// year, then calendar (-MM[-DD]), week (-Www[-D]) or ordinal (-DDD) date, then [Thh[:mm[:ss[.fff]]]], then zone.
const ISO_INSTANT =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2})(?:-(\d))?|-(\d{3}))?(?:T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Days since 1970-01-01 of a proleptic Gregorian date; exact for any year a double can count. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Day number (since epoch) of the date part, or null when a field is out of range. */
function dayNumberOf(match: RegExpExecArray, year: number): number | null {
  const [, , monthText, dayText, weekText, weekdayText, ordinalText] = match;
  if (weekText !== undefined) {
    const week = Number(weekText);
    const weekday = weekdayText === undefined ? 1 : Number(weekdayText);
    if (week < 1 || week > 53 || weekday < 1 || weekday > 7) return null;
    const january4 = daysFromCivil(year, 1, 4);
    const january4Weekday = ((((january4 % 7) + 7) % 7) + 3) % 7; // 0 = Monday (1970-01-01 was a Thursday)
    return january4 - january4Weekday + (week - 1) * 7 + (weekday - 1);
  }
  if (ordinalText !== undefined) {
    const ordinal = Number(ordinalText);
    if (ordinal < 1 || ordinal > (isLeapYear(year) ? 366 : 365)) return null;
    return daysFromCivil(year, 1, 1) + ordinal - 1;
  }
  const month = monthText === undefined ? 1 : Number(monthText);
  const day = dayText === undefined ? 1 : Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/** Offset of the zone designator in ms (UTC when absent), or null when out of range. */
function zoneOffsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Parse an ISO-8601 instant (`2015-09-12`, `2015-09-12T10`, `2015-09-12T10:30:00.123+05:30`,
 * `2015-W37-6`, `2015-255`, `-146136543-09-08T08:23:32.096Z`). Text without a zone is UTC.
 * Returns ms since the epoch (not clamped; may exceed the JS Date range) or null if the text is not
 * an ISO instant. Plain millisecond numbers are not accepted (a 4-digit number is a year).
 */
export function parseTimestamp(text: string): number | null {
  const match = ISO_INSTANT.exec(text.trim());
  if (match === null) return null;
  const year = Number(match[1]);
  const dayNumber = dayNumberOf(match, year);
  if (dayNumber === null) return null;
  const hours = match[7] === undefined ? 0 : Number(match[7]);
  const minutes = match[8] === undefined ? 0 : Number(match[8]);
  const seconds = match[9] === undefined ? 0 : Number(match[9]);
  const milliseconds = match[10] === undefined ? 0 : Math.floor(Number(`0.${match[10]}`) * 1000 + 1e-6);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const offsetMs = zoneOffsetMs(match[11]);
  if (offsetMs === null) return null;
  return dayNumber * MS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds - offsetMs;
}

/** Whether luxon (the IANA database) knows the zone name or offset (`America/Los_Angeles`, `+05:30`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  return DateTime.fromMillis(0, { zone: normalizeZoneName(timeZone) }).isValid;
}

/** Druid (Joda) accepts bare offsets like `-07:00`; luxon wants `UTC-07:00`. */
export function normalizeZoneName(timeZone: string): string {
  return /^[+-]\d{2}(:?\d{2})?$/.test(timeZone) ? `UTC${timeZone}` : timeZone;
}

function isUtc(timeZone: string | undefined): boolean {
  return timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'Z';
}

/**
 * ISO-8601 with milliseconds, as Druid prints result timestamps: `2015-09-12T00:00:00.000Z` in UTC,
 * `2015-09-12T00:00:00.000-07:00` in another zone (a zero offset prints `Z`, as Joda does).
 */
export function formatTimestamp(ms: number, timeZone?: string): string {
  if (isUtc(timeZone)) return new Date(ms).toISOString();
  const dateTime = DateTime.fromMillis(ms, { zone: normalizeZoneName(timeZone!) });
  if (!dateTime.isValid) throw invalidInput('timeZone', `unknown time zone '${timeZone}'`);
  const text = dateTime.toISO({ suppressMilliseconds: false, includeOffset: true })!;
  return text.endsWith('+00:00') ? `${text.slice(0, -6)}Z` : text;
}
