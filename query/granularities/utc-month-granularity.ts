// Buckets of whole months (month, quarter, year, P2M, P1Y, ...) in UTC, with Date.UTC arithmetic.
// Months step from the origin as in Joda: adding months keeps the origin's day and time, clamped to
// the month's last day.
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

const MS_PER_DAY = 86_400_000;

interface OriginFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly timeOfDayMs: number;
}

export class UtcMonthGranularity implements Granularity {
  readonly isAll = false;
  readonly isNone = false;
  private readonly origin: OriginFields;
  private cachedStart = Number.NaN;
  private cachedEnd = Number.NaN;

  constructor(
    readonly json: unknown,
    /** Bucket width in months, > 0. */
    readonly months: number,
    /** An instant that starts a bucket. */
    originMs: number,
  ) {
    const date = new Date(originMs);
    const timeOfDayMs = originMs - Math.floor(originMs / MS_PER_DAY) * MS_PER_DAY;
    this.origin = { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate(), timeOfDayMs };
  }

  /** origin + count months. */
  private shifted(count: number): number {
    const { year, month, day, timeOfDayMs } = this.origin;
    const lastDay = new Date(Date.UTC(year, month + count + 1, 0)).getUTCDate();
    return Date.UTC(year, month + count, Math.min(day, lastDay)) + timeOfDayMs;
  }

  /** Largest multiple k of `months` with origin + k months <= t. */
  private bucketIndex(t: number): number {
    const date = new Date(t);
    const approximate = (date.getUTCFullYear() - this.origin.year) * 12 + (date.getUTCMonth() - this.origin.month);
    let index = Math.floor(approximate / this.months) * this.months;
    while (this.shifted(index) > t) index -= this.months;
    while (this.shifted(index + this.months) <= t) index += this.months;
    return index;
  }

  bucketStart(t: number): number {
    if (t >= this.cachedStart && t < this.cachedEnd) return this.cachedStart;
    const index = this.bucketIndex(t);
    this.cachedStart = this.shifted(index);
    this.cachedEnd = this.shifted(index + this.months);
    return this.cachedStart;
  }

  next(bucketStart: number): number {
    return this.shifted(this.bucketIndex(bucketStart) + this.months);
  }

  format(t: number): string {
    return formatTimestamp(t);
  }
}
