// The table a subquery hands its outer query (Druid's query datasource): each result row becomes a
// table row whose __time is the row's timestamp and whose columns are the row's fields. Results are
// materialized in memory, so their number is bounded by the context's maxSubqueryRows, as in Druid.
// Held by column: a groupBy's groups become columns without an object per row.
import { SedimentError } from '../../cluster/errors.js';
import type { Query } from '../query.js';
import type { GroupByPartial } from '../query-types/group-by/group-by-engine.js';
import type { GroupByQuery } from '../query-types/group-by/group-by-query.js';
import { finalizeMetrics } from '../query-types/metric-values.js';

/** A subquery's rows by column: row i has timestamp timesMs[i] and value columns.get(name)[i]. */
export interface SubqueryTable {
  readonly timesMs: Float64Array;
  /** In the results' field order; a value missing from a row is null. */
  readonly columns: ReadonlyMap<string, readonly unknown[]>;
}

/**
 * The table of a finalized groupBy, timeseries or topN answer. timeseries' grandTotal row (whose
 * timestamp is null) is not a table row and is left out. Throws resource_limit past maxRows.
 */
export function tableFromResults(query: Query, results: readonly unknown[], maxRows: number): SubqueryTable {
  const rows: Readonly<Record<string, unknown>>[] = [];
  const times: number[] = [];
  const timestamps = new TimestampCache();
  const add = (timestamp: unknown, row: unknown): void => {
    if (typeof timestamp !== 'string' || row === null || typeof row !== 'object') return;
    if (rows.length >= maxRows) throw tooManySubqueryRows(maxRows);
    times.push(timestamps.parse(timestamp));
    rows.push(row as Record<string, unknown>);
  };
  for (const result of results as readonly Record<string, unknown>[]) {
    switch (query.queryType) {
      case 'groupBy':
        add(result['timestamp'], result['event']);
        break;
      case 'timeseries':
        add(result['timestamp'], result['result']);
        break;
      case 'topN':
        for (const entry of result['result'] as readonly unknown[]) add(result['timestamp'], entry);
        break;
      default:
        throw new SedimentError('unsupported', `a ${query.queryType} query cannot be a subquery`);
    }
  }
  const names = new Set<string>();
  for (const row of rows) for (const name in row) names.add(name);
  const columns = new Map<string, unknown[]>();
  for (const name of names) columns.set(name, rows.map((row) => row[name] ?? null));
  return { timesMs: Float64Array.from(times), columns };
}

/**
 * The table of a groupBy straight from its merged groups, skipping the result rows. Only without
 * having and limitSpec, whose rows depend on finalized order: returns null then (use the results).
 */
export function tableFromGroupBy(query: GroupByQuery, merged: GroupByPartial | null, maxRows: number): SubqueryTable | null {
  if (query.having !== null || query.limitSpec !== null) return null;
  const groups = merged?.rows.list ?? [];
  if (groups.length > maxRows) throw tooManySubqueryRows(maxRows);
  const timesMs = new Float64Array(groups.length);
  const columns = new Map<string, unknown[]>();
  query.dimensions.forEach((dimension, index) => columns.set(dimension.outputName, groups.map((group) => group.values[index] ?? null)));
  const metricNames = [...query.aggregations.map((aggregator) => aggregator.name), ...query.postAggregations.map((postAggregator) => postAggregator.name)];
  const metricColumns = metricNames.map((name) => {
    const values = new Array<unknown>(groups.length);
    columns.set(name, values);
    return values;
  });
  const metrics: Record<string, unknown> = {};
  groups.forEach((group, row) => {
    timesMs[row] = group.timestampMs;
    if (metricNames.length === 0) return;
    finalizeMetrics(query.aggregations, query.postAggregations, group.partials, metrics);
    metricNames.forEach((name, index) => (metricColumns[index]![row] = metrics[name]));
  });
  return { timesMs, columns };
}

function tooManySubqueryRows(maxRows: number): SedimentError {
  return new SedimentError(
    'resource_limit',
    `Subquery generated results beyond maximum[${maxRows}]; narrow the subquery or raise context.maxSubqueryRows`,
  );
}

/** Results repeat a handful of timestamps (often one, for granularity `all`): parse each once. */
class TimestampCache {
  private lastText = '';
  private lastMs = 0;

  parse(text: string): number {
    if (text !== this.lastText) {
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) throw new SedimentError('internal', `subquery produced an unparseable timestamp ${JSON.stringify(text)}`);
      this.lastText = text;
      this.lastMs = ms;
    }
    return this.lastMs;
  }
}
