// Runs a sub-query over the segments this historical serves, in-process, returning partials.
import { parseQuery } from '../query/parse-query.js';
import { deadlineOf } from '../query/query-context.js';
import { mergePartials, runSegment, type PartialResult } from '../query/run-query.js';
import { checkDeadline } from '../query/query-types/deadline.js';
import type { SegmentManager } from './segment-manager.js';
import type { SubQueryRequest, SubQueryResponse } from './sub-query.js';

export function runSubQuery(manager: SegmentManager, request: SubQueryRequest): SubQueryResponse<PartialResult> {
  const query = parseQuery(request.query);
  const deadlineMs = deadlineOf(query.context);
  const results: { segmentIds: string[]; partial: PartialResult }[] = [];
  const missing: string[] = [];
  let merged: { segmentIds: string[]; partial: PartialResult } | null = null;
  for (const requested of request.segments) {
    const segment = manager.get(requested.id);
    if (segment === undefined) {
      missing.push(requested.id);
      continue;
    }
    checkDeadline(deadlineMs);
    const partial = runSegment(query, { segment, intervals: requested.intervals }, deadlineMs);
    if (request.perSegment) results.push({ segmentIds: [requested.id], partial });
    else if (merged === null) merged = { segmentIds: [requested.id], partial };
    else {
      merged.partial = mergePartials(query, merged.partial, partial);
      merged.segmentIds.push(requested.id);
    }
  }
  if (merged !== null) results.push(merged);
  return { results, missing };
}
