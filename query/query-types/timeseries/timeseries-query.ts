import type { AggregatorFactory } from '../../aggregators/aggregator-factory.js';
import type { Filter } from '../../filters/filter.js';
import type { Granularity } from '../../granularity.js';
import type { PostAggregator } from '../../post-aggregators/post-aggregator.js';
import type { QueryBase } from '../query-base.js';

/** Druid's timeseries query: aggregates per time bucket. */
export interface TimeseriesQuery extends QueryBase {
  readonly queryType: 'timeseries';
  readonly granularity: Granularity;
  /** Null: every row in the intervals. */
  readonly filter: Filter | null;
  readonly aggregations: readonly AggregatorFactory[];
  readonly postAggregations: readonly PostAggregator[];
  /** Newest bucket first. */
  readonly descending: boolean;
  /** Most buckets returned (applied after ordering); null for no limit. */
  readonly limit: number | null;
}
