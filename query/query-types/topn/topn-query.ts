import type { AggregatorFactory } from '../../aggregators/aggregator-factory.js';
import type { DimensionSpec } from '../../dimensions/dimension-spec.js';
import type { Filter } from '../../filters/filter.js';
import type { Granularity } from '../../granularity.js';
import type { StringOrdering } from '../../limit/string-comparators.js';
import type { PostAggregator } from '../../post-aggregators/post-aggregator.js';
import type { QueryBase } from '../query-base.js';

/** How topN ranks dimension values (Druid's TopNMetricSpec). */
export type TopNMetricSpec =
  /** By an aggregator or post-aggregator, largest first. */
  | { readonly type: 'numeric'; readonly metric: string }
  /** By the dimension value itself, ascending; values not after previousStop are dropped. */
  | { readonly type: 'dimension'; readonly ordering: StringOrdering; readonly previousStop: string | null }
  /** The delegate's order reversed. */
  | { readonly type: 'inverted'; readonly delegate: TopNMetricSpec };

/** Druid's topN query: the top `threshold` values of one dimension per time bucket. Exact in Sediment. */
export interface TopNQuery extends QueryBase {
  readonly queryType: 'topN';
  readonly dimension: DimensionSpec;
  /** Values returned per bucket (>= 1). */
  readonly threshold: number;
  readonly metric: TopNMetricSpec;
  readonly granularity: Granularity;
  readonly filter: Filter | null;
  readonly aggregations: readonly AggregatorFactory[];
  readonly postAggregations: readonly PostAggregator[];
}
