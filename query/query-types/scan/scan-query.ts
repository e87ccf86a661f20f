import type { Filter } from '../../filters/filter.js';
import type { QueryBase } from '../query-base.js';

export type ScanOrder = 'none' | 'ascending' | 'descending';

/** Druid's scan query: raw rows, in batches. */
export interface ScanQuery extends QueryBase {
  readonly queryType: 'scan';
  /** Columns to return, `__time` allowed; empty returns `__time` and every column of each segment. */
  readonly columns: readonly string[];
  readonly filter: Filter | null;
  /** Rows returned after `offset`; null for all. */
  readonly limit: number | null;
  /** Rows skipped first. */
  readonly offset: number;
  /** none: segment order, then row order; ascending/descending: by __time. */
  readonly order: ScanOrder;
  /** list: events are objects; compactedList: arrays aligned with `columns`. */
  readonly resultFormat: 'list' | 'compactedList';
  /** Most events per result batch. */
  readonly batchSize: number;
}
