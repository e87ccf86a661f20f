import type { QueryBase } from '../query-base.js';

export type SegmentAnalysisType =
  | 'cardinality'
  | 'size'
  | 'interval'
  | 'aggregators'
  | 'minmax'
  | 'timestampSpec'
  | 'queryGranularity'
  | 'rollup';

/** Which columns are analyzed. */
export type ColumnSelection =
  | { readonly type: 'all' }
  | { readonly type: 'none' }
  | { readonly type: 'list'; readonly columns: readonly string[] };

/** How per-segment aggregators combine when merging (Druid's aggregatorMergeStrategy). */
export type AggregatorMergeStrategy = 'strict' | 'lenient' | 'latest' | 'earliest';

/** Druid's segmentMetadata query: per-segment (or merged) schema and column statistics. */
export interface SegmentMetadataQuery extends QueryBase {
  readonly queryType: 'segmentMetadata';
  readonly toInclude: ColumnSelection;
  /** Fold all segments into one result with id "merged". */
  readonly merge: boolean;
  readonly analysisTypes: ReadonlySet<SegmentAnalysisType>;
  readonly aggregatorMergeStrategy: AggregatorMergeStrategy;
}
