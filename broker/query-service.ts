// The broker's query path: parse → timeline lookup (prune by time) → segment slices → engine.
// In the all-in-one process the served segments are local; in a cluster the same lookup feeds
// per-server sub-queries instead (issue: cluster).
import { SedimentError } from '../cluster/errors.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import { parseQuery } from '../query/parse-query.js';
import type { Query } from '../query/query.js';
import { sharedQueryPool, type QueryPool } from '../query/parallel/query-pool.js';
import { runQueryParallel, runSlicesParallel } from '../query/parallel/run-query-parallel.js';
import { finalizeResults, mergePartials, runQuery, runSegment, type PartialResult } from '../query/run-query.js';
import type { SegmentSlice } from '../query/segment-slice.js';
import { deadlineOf } from '../query/query-context.js';
import { subquerySlice } from '../query/subquery/subquery-slice.js';
import { tableFromGroupBy, tableFromResults, type SubqueryTable } from '../query/subquery/subquery-table.js';
import type { ScatterGather } from './scatter-gather.js';
import type { Timeline } from './timeline.js';

export interface QueryServiceOptions {
  /** Queries running at once past which new ones get 429. */
  readonly maxConcurrentQueries: number;
  /** In a cluster broker: runs queries on the historicals; executeAsync then uses it. */
  readonly scatterGather?: ScatterGather;
  /**
   * Worker threads executeAsync runs local segment files on; defaults to the process's shared pool
   * (one worker per core beside this thread unless SEDIMENT_QUERY_WORKERS says otherwise: see query/parallel/query-pool.ts).
   */
  readonly queryPool?: QueryPool;
}

/** Finds the loaded segment for a segment id; undefined when no server serves it (yet). */
export type SegmentSource = (segmentId: string) => QueryableSegment | undefined;

export interface QueryOutcome {
  readonly query: Query;
  readonly results: unknown[];
}

export class QueryService {
  private running = 0;
  private readonly pool: QueryPool | null;

  constructor(
    private readonly timeline: Timeline,
    private readonly segmentSource: SegmentSource,
    private readonly options: QueryServiceOptions,
  ) {
    // A cluster broker reads no segments itself.
    this.pool = options.scatterGather === undefined ? (options.queryPool ?? sharedQueryPool()) : null;
    // Started now so the first query does not wait for the workers to boot.
    this.pool?.warm();
  }

  /**
   * Runs a native JSON query on this thread, blocking it until done. Throws SedimentError for bad
   * input, unknown datasources, timeouts, overload. Prefer executeAsync, which uses the worker pool.
   */
  execute(json: unknown): QueryOutcome {
    const query = parseQuery(json);
    this.admit();
    this.running++;
    try {
      return { query, results: this.runSync(query) };
    } finally {
      this.running--;
    }
  }

  /**
   * Runs a native JSON query, on the cluster's historicals when a scatterGather is configured, else
   * in-process on the worker pool (segments without a file, e.g. realtime ones, on this thread).
   * Same results and errors as execute(), plus missing segments in a cluster.
   */
  async executeAsync(json: unknown): Promise<QueryOutcome> {
    const query = parseQuery(json);
    this.admit();
    this.running++;
    try {
      return { query, results: await this.runAsync(query, json) };
    } finally {
      this.running--;
    }
  }

  private runSync(query: Query): unknown[] {
    const subquery = query.subquery;
    if (subquery === null) return runQuery(query, this.slicesFor(query));
    const inner = subquery.query;
    const maxRows = query.context.maxSubqueryRows;
    let table: SubqueryTable;
    if (inner.subquery === null && inner.queryType === 'groupBy') {
      const deadlineMs = deadlineOf(inner.context);
      table = groupByTable(inner, this.slicesFor(inner).map((slice) => runSegment(inner, slice, deadlineMs)), maxRows);
    } else {
      table = tableFromResults(inner, this.runSync(inner), maxRows);
    }
    return runQuery(query, [subquerySlice(query, table)]);
  }

  /**
   * A query datasource runs its subquery first (anywhere a table query runs: the pool or the
   * cluster), then the outer query here over the subquery's rows, as Druid's broker does.
   */
  private async runAsync(query: Query, json: unknown): Promise<unknown[]> {
    const subquery = query.subquery;
    if (subquery !== null) return runQuery(query, [subquerySlice(query, await this.subqueryTable(query))]);
    const scatterGather = this.options.scatterGather;
    if (scatterGather !== undefined) return scatterGather.run(query, json);
    return runQueryParallel(query, json, this.slicesFor(query), this.pool!);
  }

  /** A local groupBy subquery goes from its groups to the table directly; others through their results. */
  private async subqueryTable(query: Query): Promise<SubqueryTable> {
    const { query: inner, json } = query.subquery!;
    const maxRows = query.context.maxSubqueryRows;
    if (inner.subquery === null && inner.queryType === 'groupBy' && this.options.scatterGather === undefined) {
      return groupByTable(inner, await runSlicesParallel(inner, json, this.slicesFor(inner), this.pool!), maxRows);
    }
    return tableFromResults(inner, await this.runAsync(inner, json), maxRows);
  }

  private admit(): void {
    if (this.running >= this.options.maxConcurrentQueries) {
      throw new SedimentError('capacity_exceeded', `Too many concurrent queries (limit ${this.options.maxConcurrentQueries}); retry later.`);
    }
  }

  /** The visible segment portions the query must read, pruned by its intervals. */
  slicesFor(query: Query): SegmentSlice[] {
    if (!this.timeline.dataSources().includes(query.dataSource)) {
      throw new SedimentError('not_found', `Unknown datasource '${query.dataSource}'.`);
    }
    const slices: SegmentSlice[] = [];
    const missing: string[] = [];
    for (const entry of this.timeline.lookup(query.dataSource, query.intervals)) {
      const segment = this.segmentSource(entry.record.id);
      if (segment === undefined) missing.push(entry.record.id);
      else slices.push({ segment, intervals: entry.intervals });
    }
    if (missing.length > 0) {
      // Never answer with silently partial data.
      throw new SedimentError('internal', `Segments in the timeline are not loaded: ${missing.slice(0, 5).join(', ')}`);
    }
    return slices;
  }
}

/** The table of a groupBy's partials: from the groups, or from the finalized rows when having or limitSpec needs them. */
function groupByTable(query: Query & { queryType: 'groupBy' }, partials: readonly PartialResult[], maxRows: number): SubqueryTable {
  let merged: PartialResult | null = null;
  for (const partial of partials) merged = merged === null ? partial : mergePartials(query, merged, partial);
  return tableFromGroupBy(query, merged as (PartialResult & { queryType: 'groupBy' }) | null, maxRows) ?? tableFromResults(query, finalizeResults(query, merged), maxRows);
}
