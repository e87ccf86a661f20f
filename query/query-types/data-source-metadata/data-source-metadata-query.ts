import type { QueryBase } from '../query-base.js';

/** Druid's dataSourceMetadata query: the latest ingested event time. Intervals are always ETERNITY. */
export interface DataSourceMetadataQuery extends QueryBase {
  readonly queryType: 'dataSourceMetadata';
}
