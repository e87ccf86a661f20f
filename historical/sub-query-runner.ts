// Runs a sub-query over the segments a server serves, returning partials: runSubQuery on the calling
// thread, runSubQueryParallel on the query worker pool. runSubQuery resolves every requested segment
// before running any and finishes in one event-loop turn, so it sees one consistent snapshot of what
// is served: realtime servers rely on that (their pieces are withdrawn at handoff, all at once, and
// the broker replaces missing pieces by the handed-off segment without double counting).
import { parseQuery } from '../query/parse-query.js';
import { deadlineOf } from '../query/query-context.js';
import type { Query } from '../query/query.js';
import { sharedQueryPool, type QueryPool } from '../query/parallel/query-pool.js';
import { runSlicesParallel } from '../query/parallel/run-query-parallel.js';
import { mergePartials, runSegment, type PartialResult } from '../query/run-query.js';
import { checkDeadline } from '../query/query-types/deadline.js';
import type { SegmentSlice } from '../query/segment-slice.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import type { SubQueryRequest, SubQueryResponse } from './sub-query.js';

/** The segments a server can read, by id (SegmentManager, RealtimeSegments). */
export interface SegmentLookup {
  /** The segment as of now, or undefined when this server does not serve it. */
  get(segmentId: string): QueryableSegment | undefined;
}

interface ServedSlices {
  readonly slices: SegmentSlice[];
  readonly segmentIds: string[];
  readonly missing: string[];
}

function servedSlices(manager: SegmentLookup, request: SubQueryRequest): ServedSlices {
  const served: ServedSlices = { slices: [], segmentIds: [], missing: [] };
  for (const requested of request.segments) {
    const segment = manager.get(requested.id);
    if (segment === undefined) served.missing.push(requested.id);
    else {
      served.slices.push({ segment, intervals: requested.intervals });
      served.segmentIds.push(requested.id);
    }
  }
  return served;
}

/** One result per segment, or one merged result, as the request asks. */
function responseOf(query: Query, request: SubQueryRequest, served: ServedSlices, partials: readonly PartialResult[]): SubQueryResponse<PartialResult> {
  if (partials.length === 0) return { results: [], missing: served.missing };
  if (request.perSegment) {
    return { results: partials.map((partial, index) => ({ segmentIds: [served.segmentIds[index]!], partial })), missing: served.missing };
  }
  let merged = partials[0]!;
  for (let index = 1; index < partials.length; index++) merged = mergePartials(query, merged, partials[index]!);
  return { results: [{ segmentIds: served.segmentIds, partial: merged }], missing: served.missing };
}

/** The sub-query on the calling thread, blocking it until done. */
export function runSubQuery(manager: SegmentLookup, request: SubQueryRequest): SubQueryResponse<PartialResult> {
  const query = parseQuery(request.query);
  const deadlineMs = deadlineOf(query.context);
  const served = servedSlices(manager, request);
  const partials = served.slices.map((slice) => {
    checkDeadline(deadlineMs);
    return runSegment(query, slice, deadlineMs);
  });
  return responseOf(query, request, served, partials);
}

/** The sub-query on the worker pool (the process's shared pool unless one is given); same answer and errors as runSubQuery. */
export async function runSubQueryParallel(
  manager: SegmentLookup,
  request: SubQueryRequest,
  pool: QueryPool = sharedQueryPool(),
): Promise<SubQueryResponse<PartialResult>> {
  const query = parseQuery(request.query);
  const served = servedSlices(manager, request);
  const partials = await runSlicesParallel(query, request.query, served.slices, pool);
  return responseOf(query, request, served, partials);
}
