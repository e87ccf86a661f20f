// Druid's query context: per-query knobs that are not part of the query's meaning (timeouts, caching,
// priorities) plus a few that are (skipEmptyBuckets, grandTotal, sortByDimsFirst).
import { randomUUID } from 'node:crypto';
import { optionalBoolean, optionalInteger, optionalString, requireObject, type JsonObject } from './query-types/json-fields.js';

export const DEFAULT_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_GROUPS = 500_000;
/** Druid's default `maxSubqueryRows`: the most rows all subqueries of one query may materialize. */
export const DEFAULT_MAX_SUBQUERY_ROWS = 100_000;

export interface QueryContext {
  /** Milliseconds the query may run; 0 means no limit (Druid's `timeout`, default 300000). */
  readonly timeoutMs: number;
  /** Druid's `queryId`; a random UUID when the client sent none. */
  readonly queryId: string;
  /** Scheduling priority; higher runs first (default 0). */
  readonly priority: number;
  /** timeseries: omit buckets with no rows instead of filling them with empty aggregator values. */
  readonly skipEmptyBuckets: boolean;
  /** timeseries: append a row with timestamp null holding the totals of all returned rows. */
  readonly grandTotal: boolean;
  /** groupBy limitSpec: order by the limitSpec columns before the timestamp. */
  readonly sortByDimsFirst: boolean;
  /** Segment-level cache read/write switches (Druid defaults: true). */
  readonly useCache: boolean;
  readonly populateCache: boolean;
  /** Broker result-level cache read/write switches (Druid defaults: true). */
  readonly useResultLevelCache: boolean;
  readonly populateResultLevelCache: boolean;
  /** Most groups a groupBy or topN may hold in memory (`maxResults`, default 500,000). */
  readonly maxGroups: number;
  /** Most rows the subqueries of a query-datasource query may produce in total (`maxSubqueryRows`). */
  readonly maxSubqueryRows: number;
  /** The context exactly as sent, for keys Sediment does not interpret. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export function parseQueryContext(json: unknown, path = 'context'): QueryContext {
  const raw: JsonObject = json === undefined || json === null ? {} : requireObject(json, path);
  return Object.freeze({
    timeoutMs: optionalInteger(raw, 'timeout', path, 0) ?? DEFAULT_TIMEOUT_MS,
    queryId: optionalString(raw, 'queryId', path) ?? randomUUID(),
    priority: optionalInteger(raw, 'priority', path) ?? 0,
    skipEmptyBuckets: optionalBoolean(raw, 'skipEmptyBuckets', path, false),
    grandTotal: optionalBoolean(raw, 'grandTotal', path, false),
    sortByDimsFirst: optionalBoolean(raw, 'sortByDimsFirst', path, false),
    useCache: optionalBoolean(raw, 'useCache', path, true),
    populateCache: optionalBoolean(raw, 'populateCache', path, true),
    useResultLevelCache: optionalBoolean(raw, 'useResultLevelCache', path, true),
    populateResultLevelCache: optionalBoolean(raw, 'populateResultLevelCache', path, true),
    maxGroups: optionalInteger(raw, 'maxResults', path, 1) ?? DEFAULT_MAX_GROUPS,
    maxSubqueryRows: optionalInteger(raw, 'maxSubqueryRows', path, 1) ?? DEFAULT_MAX_SUBQUERY_ROWS,
    raw: Object.freeze({ ...raw }),
  });
}

/** The wall-clock ms past which the query must stop; Infinity when the context sets no timeout. */
export function deadlineOf(context: QueryContext, nowMs: number = Date.now()): number {
  return context.timeoutMs === 0 ? Number.POSITIVE_INFINITY : nowMs + context.timeoutMs;
}
