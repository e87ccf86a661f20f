import type { Filter } from '../../filters/filter.js';
import type { QueryBase } from '../query-base.js';

/** Druid's timeBoundary query: earliest and latest __time of the (filtered) rows. */
export interface TimeBoundaryQuery extends QueryBase {
  readonly queryType: 'timeBoundary';
  /** Report only one side; null reports both. */
  readonly bound: 'minTime' | 'maxTime' | null;
  readonly filter: Filter | null;
}
