// The native query engine's entry points, shared by historicals (runSegment per segment), brokers
// (mergePartials across servers, finalizeResults once) and the all-in-one process (runQuery).
import { SedimentError } from '../cluster/errors.js';
import type { Query } from './query.js';
import { deadlineOf } from './query-context.js';
import {
  finalizeDataSourceMetadata,
  mergeDataSourceMetadataPartials,
  runDataSourceMetadataSegment,
  type DataSourceMetadataPartial,
} from './query-types/data-source-metadata/data-source-metadata-engine.js';
import { checkDeadline } from './query-types/deadline.js';
import { finalizeGroupBy, mergeGroupByPartials, runGroupBySegment, type GroupByPartial } from './query-types/group-by/group-by-engine.js';
import { finalizeScan, mergeScanPartials, runScanSegment, type ScanPartial } from './query-types/scan/scan-engine.js';
import { finalizeSearch, mergeSearchPartials, runSearchSegment, type SearchPartial } from './query-types/search/search-engine.js';
import {
  finalizeSegmentMetadata,
  mergeSegmentMetadataPartials,
  runSegmentMetadataSegment,
  type SegmentMetadataPartial,
} from './query-types/segment-metadata/segment-metadata-engine.js';
import {
  finalizeTimeBoundary,
  mergeTimeBoundaryPartials,
  runTimeBoundarySegment,
  type TimeBoundaryPartial,
} from './query-types/time-boundary/time-boundary-engine.js';
import {
  finalizeTimeseries,
  mergeTimeseriesPartials,
  runTimeseriesSegment,
  type TimeseriesPartial,
} from './query-types/timeseries/timeseries-engine.js';
import { finalizeTopN, mergeTopNPartials, runTopNSegment, type TopNPartial } from './query-types/topn/topn-engine.js';
import type { SegmentSlice } from './segment-slice.js';

/**
 * One segment's (or a merge of several segments') contribution to a query, tagged with its query
 * type. Opaque to callers; it holds live objects (maps, sketches) and is consumed by merging.
 */
export type PartialResult =
  | TimeseriesPartial
  | TopNPartial
  | GroupByPartial
  | ScanPartial
  | SearchPartial
  | TimeBoundaryPartial
  | SegmentMetadataPartial
  | DataSourceMetadataPartial;

/** Runs the query over one segment slice; throws SedimentError('timeout') past deadlineMs. */
export function runSegment(query: Query, slice: SegmentSlice, deadlineMs: number): PartialResult {
  switch (query.queryType) {
    case 'timeseries':
      return runTimeseriesSegment(query, slice, deadlineMs);
    case 'topN':
      return runTopNSegment(query, slice, deadlineMs);
    case 'groupBy':
      return runGroupBySegment(query, slice, deadlineMs);
    case 'scan':
      return runScanSegment(query, slice, deadlineMs);
    case 'search':
      return runSearchSegment(query, slice, deadlineMs);
    case 'timeBoundary':
      return runTimeBoundarySegment(query, slice, deadlineMs);
    case 'segmentMetadata':
      return runSegmentMetadataSegment(query, slice, deadlineMs);
    case 'dataSourceMetadata':
      return runDataSourceMetadataSegment(slice, deadlineMs);
  }
}

/**
 * Combines two partials of the same query. Associative; consumes both arguments (either may be
 * mutated and returned). For scan with order "none" the left partial's rows come first.
 */
export function mergePartials(query: Query, left: PartialResult, right: PartialResult): PartialResult {
  if (left.queryType !== query.queryType || right.queryType !== query.queryType) {
    throw new SedimentError('internal', `assertion failed: partials of ${left.queryType}/${right.queryType} merged for a ${query.queryType} query`);
  }
  switch (query.queryType) {
    case 'timeseries':
      return mergeTimeseriesPartials(query, left as TimeseriesPartial, right as TimeseriesPartial);
    case 'topN':
      return mergeTopNPartials(query, left as TopNPartial, right as TopNPartial);
    case 'groupBy':
      return mergeGroupByPartials(query, left as GroupByPartial, right as GroupByPartial);
    case 'scan':
      return mergeScanPartials(query, left as ScanPartial, right as ScanPartial);
    case 'search':
      return mergeSearchPartials(query, left as SearchPartial, right as SearchPartial);
    case 'timeBoundary':
      return mergeTimeBoundaryPartials(left as TimeBoundaryPartial, right as TimeBoundaryPartial);
    case 'segmentMetadata':
      return mergeSegmentMetadataPartials(query, left as SegmentMetadataPartial, right as SegmentMetadataPartial);
    case 'dataSourceMetadata':
      return mergeDataSourceMetadataPartials(left as DataSourceMetadataPartial, right as DataSourceMetadataPartial);
  }
}

/** The JSON array Druid returns for the query; `merged` is null when no segment was read. */
export function finalizeResults(query: Query, merged: PartialResult | null): unknown[] {
  if (merged !== null && merged.queryType !== query.queryType) {
    throw new SedimentError('internal', `assertion failed: a ${merged.queryType} partial finalized for a ${query.queryType} query`);
  }
  switch (query.queryType) {
    case 'timeseries':
      return finalizeTimeseries(query, merged as TimeseriesPartial | null);
    case 'topN':
      return finalizeTopN(query, merged as TopNPartial | null);
    case 'groupBy':
      return finalizeGroupBy(query, merged as GroupByPartial | null);
    case 'scan':
      return finalizeScan(query, merged as ScanPartial | null);
    case 'search':
      return finalizeSearch(query, merged as SearchPartial | null);
    case 'timeBoundary':
      return finalizeTimeBoundary(query, merged as TimeBoundaryPartial | null);
    case 'segmentMetadata':
      return finalizeSegmentMetadata(merged as SegmentMetadataPartial | null);
    case 'dataSourceMetadata':
      return finalizeDataSourceMetadata(merged as DataSourceMetadataPartial | null);
  }
}

/** Runs, merges and finalizes in-process, checking the context timeout between segments. */
export function runQuery(query: Query, slices: readonly SegmentSlice[]): unknown[] {
  const deadlineMs = deadlineOf(query.context);
  let merged: PartialResult | null = null;
  for (const slice of slices) {
    checkDeadline(deadlineMs);
    const partial = runSegment(query, slice, deadlineMs);
    merged = merged === null ? partial : mergePartials(query, merged, partial);
  }
  checkDeadline(deadlineMs);
  return finalizeResults(query, merged);
}
