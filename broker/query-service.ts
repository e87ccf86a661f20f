// The broker's query path: parse → timeline lookup (prune by time) → segment slices → engine.
// In the all-in-one process the served segments are local; in a cluster the same lookup feeds
// per-server sub-queries instead (issue: cluster).
import { SedimentError } from '../cluster/errors.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import { parseQuery } from '../query/parse-query.js';
import type { Query } from '../query/query.js';
import { runQuery } from '../query/run-query.js';
import type { SegmentSlice } from '../query/segment-slice.js';
import type { ScatterGather } from './scatter-gather.js';
import type { Timeline } from './timeline.js';

export interface QueryServiceOptions {
  /** Queries running at once past which new ones get 429. */
  readonly maxConcurrentQueries: number;
  /** In a cluster broker: runs queries on the historicals; executeAsync then uses it. */
  readonly scatterGather?: ScatterGather;
}

/** Finds the loaded segment for a segment id; undefined when no server serves it (yet). */
export type SegmentSource = (segmentId: string) => QueryableSegment | undefined;

export interface QueryOutcome {
  readonly query: Query;
  readonly results: unknown[];
}

export class QueryService {
  private running = 0;

  constructor(
    private readonly timeline: Timeline,
    private readonly segmentSource: SegmentSource,
    private readonly options: QueryServiceOptions,
  ) {}

  /** Runs a native JSON query. Throws SedimentError for bad input, unknown datasources, timeouts, overload. */
  execute(json: unknown): QueryOutcome {
    const query = parseQuery(json);
    if (this.running >= this.options.maxConcurrentQueries) {
      throw new SedimentError(
        'capacity_exceeded',
        `Too many concurrent queries (limit ${this.options.maxConcurrentQueries}); retry later.`,
      );
    }
    this.running++;
    try {
      return { query, results: runQuery(query, this.slicesFor(query)) };
    } finally {
      this.running--;
    }
  }

  /**
   * Runs a native JSON query, on the cluster's historicals when a scatterGather is configured,
   * else in-process like execute(). Same errors as execute(), plus missing segments in a cluster.
   */
  async executeAsync(json: unknown): Promise<QueryOutcome> {
    const scatterGather = this.options.scatterGather;
    if (scatterGather === undefined) return this.execute(json);
    const query = parseQuery(json);
    if (this.running >= this.options.maxConcurrentQueries) {
      throw new SedimentError('capacity_exceeded', `Too many concurrent queries (limit ${this.options.maxConcurrentQueries}); retry later.`);
    }
    this.running++;
    try {
      return { query, results: await scatterGather.run(query, json) };
    } finally {
      this.running--;
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
