import type { Filter } from '../../filters/filter.js';
import type { Granularity } from '../../granularity.js';
import type { QueryBase } from '../query-base.js';

/** Which dimension values a search matches (Druid's SearchQuerySpec); null values never match. */
export type SearchQuerySpec =
  | { readonly type: 'insensitive_contains'; readonly value: string }
  | { readonly type: 'contains'; readonly value: string; readonly caseSensitive: boolean }
  | { readonly type: 'fragment'; readonly values: readonly string[]; readonly caseSensitive: boolean }
  | { readonly type: 'regex'; readonly pattern: RegExp };

export type SearchSort = 'lexicographic' | 'alphanumeric' | 'strlen' | 'numeric';

/** Druid's search query: dimension values matching a text query, with row counts. */
export interface SearchQuery extends QueryBase {
  readonly queryType: 'search';
  /** Dimensions searched; null searches every string column of each segment. */
  readonly searchDimensions: readonly string[] | null;
  readonly query: SearchQuerySpec;
  readonly sort: SearchSort;
  /** Most hits per time bucket. */
  readonly limit: number;
  readonly granularity: Granularity;
  readonly filter: Filter | null;
}
