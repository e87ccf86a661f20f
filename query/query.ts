// The query model: immutable, fully validated native queries, discriminated by `queryType`.
// Execution never sees raw JSON; parse-query.ts builds these.
import type { DataSourceMetadataQuery } from './query-types/data-source-metadata/data-source-metadata-query.js';
import type { GroupByQuery } from './query-types/group-by/group-by-query.js';
import type { ScanQuery } from './query-types/scan/scan-query.js';
import type { SearchQuery } from './query-types/search/search-query.js';
import type { SegmentMetadataQuery } from './query-types/segment-metadata/segment-metadata-query.js';
import type { TimeBoundaryQuery } from './query-types/time-boundary/time-boundary-query.js';
import type { TimeseriesQuery } from './query-types/timeseries/timeseries-query.js';
import type { TopNQuery } from './query-types/topn/topn-query.js';

export type { DataSourceMetadataQuery } from './query-types/data-source-metadata/data-source-metadata-query.js';
export type { GroupByQuery } from './query-types/group-by/group-by-query.js';
export type { ScanQuery, ScanOrder } from './query-types/scan/scan-query.js';
export type { SearchQuery, SearchQuerySpec, SearchSort } from './query-types/search/search-query.js';
export type {
  SegmentMetadataQuery,
  SegmentAnalysisType,
  ColumnSelection,
  AggregatorMergeStrategy,
} from './query-types/segment-metadata/segment-metadata-query.js';
export type { TimeBoundaryQuery } from './query-types/time-boundary/time-boundary-query.js';
export type { TimeseriesQuery } from './query-types/timeseries/timeseries-query.js';
export type { TopNQuery, TopNMetricSpec } from './query-types/topn/topn-query.js';
export type { QueryBase } from './query-types/query-base.js';

export type Query =
  | TimeseriesQuery
  | TopNQuery
  | GroupByQuery
  | ScanQuery
  | SearchQuery
  | TimeBoundaryQuery
  | SegmentMetadataQuery
  | DataSourceMetadataQuery;

export type QueryType = Query['queryType'];
