// A broker's sub-query to one historical: the query plus the segments (and the visible parts of
// each) this server should read. The answer holds partial results, one merged partial per request
// or one per segment when the broker wants to cache them, and names the segments this server does
// not serve (dropped meanwhile), so the broker can retry them elsewhere.
import type { ServerRole } from '../cluster/discovery.js';
import { invalidInput } from '../cluster/errors.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

export interface SubQuerySegment {
  readonly id: string;
  /** The visible parts of the segment the query reads: sorted, disjoint, half-open ms intervals. */
  readonly intervals: readonly TimeInterval[];
}

export interface SubQueryRequest {
  /** The native query JSON as the client sent it (context included). */
  readonly query: unknown;
  readonly segments: readonly SubQuerySegment[];
  /** One partial per segment (for the broker's segment cache) instead of one merged partial. */
  readonly perSegment: boolean;
}

export interface SubQueryResponse<Partial> {
  /** Partials with the segments each covers; empty when no requested segment is served here. */
  readonly results: { readonly segmentIds: readonly string[]; readonly partial: Partial }[];
  /** Requested segments this server does not serve. */
  readonly missing: readonly string[];
}

export const subQueryPath = '/druid-internal/v1/sub-query';
/** Realtime servers answer on their own path, so one process may run a historical and a realtime role. */
export const realtimeSubQueryPath = '/druid-internal/v1/realtime/sub-query';

/** Where a server of the role answers sub-queries. */
export function subQueryPathFor(role: ServerRole): string {
  return role === 'realtime' ? realtimeSubQueryPath : subQueryPath;
}

/** Validates a sub-query body; throws invalid_input naming the bad field. */
export function parseSubQueryRequest(json: unknown): SubQueryRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput('', 'a sub-query must be a JSON object');
  const body = json as Record<string, unknown>;
  if (!Array.isArray(body['segments'])) throw invalidInput('segments', 'must be an array');
  const segments = body['segments'].map((entry: unknown, index): SubQuerySegment => {
    const path = `segments[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw invalidInput(path, 'must be an object');
    const { id, intervals } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw invalidInput(`${path}.id`, 'must be a segment id');
    if (!Array.isArray(intervals)) throw invalidInput(`${path}.intervals`, 'must be an array of [startMs, endMs]');
    return {
      id,
      intervals: intervals.map((interval: unknown, position) => {
        if (!Array.isArray(interval) || interval.length !== 2 || !interval.every((bound) => typeof bound === 'number')) {
          throw invalidInput(`${path}.intervals[${position}]`, 'must be [startMs, endMs]');
        }
        return { startMs: interval[0] as number, endMs: interval[1] as number };
      }),
    };
  });
  return { query: body['query'], segments, perSegment: body['perSegment'] === true };
}

/** The wire form of a SubQueryRequest (intervals as pairs). */
export function subQueryBody(request: SubQueryRequest): unknown {
  return {
    query: request.query,
    perSegment: request.perSegment,
    segments: request.segments.map((segment) => ({ id: segment.id, intervals: segment.intervals.map((interval) => [interval.startMs, interval.endMs]) })),
  };
}
