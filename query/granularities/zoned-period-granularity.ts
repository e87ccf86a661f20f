// Period buckets that need calendar arithmetic in a time zone (P1D in America/Los_Angeles, P1M in
// Asia/Tokyo, P1W, P1DT12H in a zone with daylight saving...), computed with luxon as Joda does in
// Druid: a single unit with no origin floors to the local unit (weeks start Monday); otherwise
// buckets step by the period from the origin (default: local midnight, 1970-01-01).
// luxon is slow per call, so the last bucket is cached (rows arrive in time order).
import { DateTime, Duration, type DurationLikeObject } from 'luxon';
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

export type CalendarUnit = 'year' | 'month' | 'week' | 'day';

export class ZonedPeriodGranularity implements Granularity {
  readonly isAll = false;
  readonly isNone = false;
  private readonly origin: DateTime;
  private readonly approximateWidthMs: number;
  private cachedStart = Number.NaN;
  private cachedEnd = Number.NaN;

  constructor(
    readonly json: unknown,
    /** The period's fields (integers ≥ 0, not all 0). */
    private readonly period: DurationLikeObject,
    /** luxon zone name (IANA name or `UTC±hh:mm`). */
    private readonly zone: string,
    /** Bucket-aligning instant; null for Druid's default (local midnight 1970-01-01, or the natural unit). */
    originMs: number | null,
    /** Set when the period is exactly one of this unit and there is no origin: floor to the local unit. */
    private readonly naturalUnit: CalendarUnit | null,
  ) {
    this.origin =
      originMs === null
        ? DateTime.fromObject({ year: 1970, month: 1, day: 1 }, { zone })
        : DateTime.fromMillis(originMs, { zone });
    this.approximateWidthMs = Duration.fromObject(period, { conversionAccuracy: 'longterm' }).as('milliseconds');
  }

  private step(count: number): number {
    const scaled: Record<string, number> = {};
    for (const [unit, amount] of Object.entries(this.period)) if (amount) scaled[unit] = amount * count;
    return this.origin.plus(scaled).toMillis();
  }

  /** Largest k with origin + k·period <= t. */
  private stepIndex(t: number): number {
    let index = Math.floor((t - this.origin.toMillis()) / this.approximateWidthMs);
    while (this.step(index) > t) index--;
    while (this.step(index + 1) <= t) index++;
    return index;
  }

  private computeBucket(t: number): void {
    if (this.naturalUnit !== null) {
      const start = DateTime.fromMillis(t, { zone: this.zone }).startOf(this.naturalUnit);
      this.cachedStart = start.toMillis();
      this.cachedEnd = start.plus({ [this.naturalUnit]: 1 }).toMillis();
      return;
    }
    const index = this.stepIndex(t);
    this.cachedStart = this.step(index);
    this.cachedEnd = this.step(index + 1);
  }

  bucketStart(t: number): number {
    if (!(t >= this.cachedStart && t < this.cachedEnd)) this.computeBucket(t);
    return this.cachedStart;
  }

  next(bucketStart: number): number {
    this.bucketStart(bucketStart);
    return this.cachedEnd;
  }

  format(t: number): string {
    return formatTimestamp(t, this.zone);
  }
}
