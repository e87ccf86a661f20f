import type { AggregatorFactory } from '../../aggregators/aggregator-factory.js';
import type { DimensionSpec } from '../../dimensions/dimension-spec.js';
import type { Filter } from '../../filters/filter.js';
import type { Granularity } from '../../granularity.js';
import type { HavingSpec } from '../../having/having-spec.js';
import type { LimitSpec } from '../../limit/limit-spec.js';
import type { PostAggregator } from '../../post-aggregators/post-aggregator.js';
import type { QueryBase } from '../query-base.js';

/** Druid's groupBy query (v2 result shape). */
export interface GroupByQuery extends QueryBase {
  readonly queryType: 'groupBy';
  /** Grouping dimensions; output names are unique and distinct from metric names. */
  readonly dimensions: readonly DimensionSpec[];
  readonly granularity: Granularity;
  readonly filter: Filter | null;
  readonly aggregations: readonly AggregatorFactory[];
  readonly postAggregations: readonly PostAggregator[];
  /** Applied to finalized rows before the limitSpec; null keeps every row. */
  readonly having: HavingSpec | null;
  /** Null: natural order (time, dimensions), no limit. */
  readonly limitSpec: LimitSpec | null;
}
