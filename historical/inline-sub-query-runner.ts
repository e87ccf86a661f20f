// Runs a sub-query over segments found through a lookup, on the calling thread and in one
// event-loop turn. Realtime servers use it: their pieces are withdrawn (and their files deleted) at
// handoff, and a synchronous run sees each published segment's pieces all present or all gone, which
// is what lets the broker replace missing pieces by the handed-off segment without double counting.
import { parseQuery } from '../query/parse-query.js';
import { deadlineOf } from '../query/query-context.js';
import { checkDeadline } from '../query/query-types/deadline.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import { mergePartials, runSegment, type PartialResult } from '../query/run-query.js';
import type { SubQueryRequest, SubQueryResponse } from './sub-query.js';

/** The segments a server can read, by id (SegmentManager, RealtimeSegments). */
export interface SegmentLookup {
  /** The segment as of now, or undefined when this server does not serve it. */
  get(segmentId: string): QueryableSegment | undefined;
}

export function runSubQueryInline(segments: SegmentLookup, request: SubQueryRequest): SubQueryResponse<PartialResult> {
  const query = parseQuery(request.query);
  const deadlineMs = deadlineOf(query.context);
  // Resolved before running anything, so the set of served pieces is one consistent snapshot.
  const found: { id: string; segment: QueryableSegment; intervals: SubQueryRequest['segments'][number]['intervals'] }[] = [];
  const missing: string[] = [];
  for (const requested of request.segments) {
    const segment = segments.get(requested.id);
    if (segment === undefined) missing.push(requested.id);
    else found.push({ id: requested.id, segment, intervals: requested.intervals });
  }
  const results: { segmentIds: string[]; partial: PartialResult }[] = [];
  let merged: { segmentIds: string[]; partial: PartialResult } | null = null;
  for (const { id, segment, intervals } of found) {
    checkDeadline(deadlineMs);
    const partial = runSegment(query, { segment, intervals }, deadlineMs);
    if (request.perSegment) results.push({ segmentIds: [id], partial });
    else if (merged === null) merged = { segmentIds: [id], partial };
    else {
      merged.partial = mergePartials(query, merged.partial, partial);
      merged.segmentIds.push(id);
    }
  }
  if (merged !== null) results.push(merged);
  return { results, missing };
}
