// The Granularity seam. Implementations live in query/granularities/ (simple names, duration, period).
/**
 * Maps a timestamp to the start of its bucket. Buckets tile the time line without gaps:
 * next(bucketStart(t)) > t and bucketStart(next(b)) === next(b).
 */
export interface Granularity {
  /** The JSON the granularity was parsed from, normalized (e.g. "hour" or {type:"period",...}). */
  readonly json: unknown;
  /** `all`: one bucket for the whole query. bucketStart then returns Number.NEGATIVE_INFINITY. */
  readonly isAll: boolean;
  /** `none`: every distinct millisecond is its own bucket. */
  readonly isNone: boolean;
  /** Start (ms) of the bucket containing t. */
  bucketStart(t: number): number;
  /** Start (ms) of the bucket after the one starting at bucketStart. */
  next(bucketStart: number): number;
  /** ISO-8601 with milliseconds, in the granularity's time zone (UTC: "…T00:00:00.000Z"). */
  format(t: number): string;
}
