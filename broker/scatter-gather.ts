// A query across the cluster: prune the timeline by the query's intervals, take cached segment
// results, send one sub-query per server naming its segments (one replica per segment, on the
// server with the fewest sub-queries in flight from this broker), merge the partials and finalize.
// A server that fails, or no longer serves some segments, has them retried on other replicas;
// when a segment has none left the query fails naming it — never silently partial data.
// Realtime pieces are never cached (they grow under the same id), and pieces a realtime server
// dropped at handoff are read from the handed-off segment instead (see replaceHandedOff).
import type { ServerAnnouncement } from '../cluster/discovery.js';
import { SedimentError } from '../cluster/errors.js';
import type { Logger } from '../cluster/logger.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import { partialFromWire, partialToWire } from '../query/partial-result-codec.js';
import type { Query } from '../query/query.js';
import { finalizeResults, mergePartials, type PartialResult } from '../query/run-query.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';
import type { BrokerServerView } from './broker-server-view.js';
import type { SubQuerySender } from './historical-client.js';
import { finalSegmentIdOf } from './realtime-piece-id.js';
import { queryCacheKey, SegmentResultCache } from './segment-result-cache.js';
import { condenseIntervals } from './timeline.js';

export interface ScatterGatherOptions {
  readonly send: SubQuerySender;
  readonly cache: SegmentResultCache;
  /** Sub-query timeout when the query's context sets none. */
  readonly defaultTimeoutMs: number;
  readonly log: Pick<Logger, 'warn'>;
}

interface SegmentWork {
  /** Position in timeline order, so partials merge in the order the all-in-one would. */
  readonly order: number;
  readonly record: SegmentRecord;
  readonly intervals: TimeInterval[];
  readonly cacheKey: string;
  /** Final segment id when this is a realtime piece (never cached), else null. */
  readonly finalId: string | null;
}

interface Gathered {
  readonly order: number;
  readonly partial: PartialResult;
}

/** Pause before retrying pieces whose handed-off segment this broker has not heard of yet. */
const handoffCatchUpMs = 200;

/** Rounds of retries on other replicas; each round excludes every server that failed before. */
const maxRounds = 3;

export class ScatterGather {
  private readonly inFlight = new Map<string, number>();
  private readonly sentByServer = new Map<string, number>();

  constructor(
    private readonly view: BrokerServerView,
    private readonly options: ScatterGatherOptions,
  ) {}

  async run(query: Query, queryJson: unknown): Promise<unknown[]> {
    if (!this.view.timeline.dataSources().includes(query.dataSource)) {
      throw new SedimentError('not_found', `Unknown datasource '${query.dataSource}'.`);
    }
    const queryKey = queryCacheKey(queryJson);
    const work = this.view.timeline.lookup(query.dataSource, query.intervals).map(
      (entry, order): SegmentWork => ({
        order,
        record: entry.record,
        intervals: entry.intervals,
        cacheKey: SegmentResultCache.key(queryKey, entry.record.id, entry.intervals),
        finalId: finalSegmentIdOf(entry.record.id),
      }),
    );
    const gathered: Gathered[] = [];
    const useCache = this.options.cache.enabled && query.context.useCache;
    const remaining = useCache ? this.fromCache(work, gathered) : work;
    await this.scatter(query, queryJson, remaining, gathered);
    gathered.sort((a, b) => a.order - b.order);
    let merged: PartialResult | null = null;
    for (const { partial } of gathered) merged = merged === null ? partial : mergePartials(query, merged, partial);
    return finalizeResults(query, merged);
  }

  /** Sub-queries sent per server id since start (a debug counter: which servers queries reach). */
  subQueriesSent(): Record<string, number> {
    return Object.fromEntries(this.sentByServer);
  }

  private fromCache(work: readonly SegmentWork[], gathered: Gathered[]): SegmentWork[] {
    const remaining: SegmentWork[] = [];
    for (const segment of work) {
      const cached = segment.finalId === null ? this.options.cache.get(segment.cacheKey) : undefined;
      if (cached === undefined) remaining.push(segment);
      else gathered.push({ order: segment.order, partial: partialFromWire(cached) });
    }
    return remaining;
  }

  private async scatter(query: Query, queryJson: unknown, work: SegmentWork[], gathered: Gathered[]): Promise<void> {
    const failedServers = new Set<string>();
    const answeredFinals = new Set<string>();
    const populate = this.options.cache.enabled && query.context.populateCache;
    const timeoutMs = query.context.timeoutMs === 0 ? this.options.defaultTimeoutMs : query.context.timeoutMs;
    let pending = work;
    for (let round = 0; pending.length > 0; round++) {
      if (round === maxRounds) throw missingSegments(pending, 'every replica failed');
      const byServer = this.assign(pending, failedServers);
      const retry: SegmentWork[] = [];
      await Promise.all(
        [...byServer.values()].map(async ({ server, segments }) => {
          try {
            const response = await this.send(server, { query: queryJson, segments: segments.map((segment) => ({ id: segment.record.id, intervals: segment.intervals })), perSegment: populate }, timeoutMs);
            this.collect(segments, response, gathered, retry, answeredFinals, populate);
            if (response.missing.length > 0) failedServers.add(server.id);
          } catch (error) {
            if (error instanceof SedimentError && error.code !== 'internal') throw error; // the query's own fault
            this.options.log.warn({ err: error, server: server.id, segments: segments.length }, 'sub-query failed; retrying its segments on other replicas');
            failedServers.add(server.id);
            retry.push(...segments);
          }
        }),
      );
      pending = await this.replaceHandedOff(retry, failedServers, answeredFinals);
    }
  }

  /**
   * Realtime pieces a server no longer had were dropped at handoff: read their final segment
   * instead, once per final segment and only when none of its pieces was answered already (a
   * realtime server answers a segment's pieces all or none, so this never counts rows twice). When
   * this broker has not heard of the handed-off segment yet, it waits a moment for the announcement.
   */
  private async replaceHandedOff(retry: readonly SegmentWork[], failedServers: ReadonlySet<string>, answeredFinals: ReadonlySet<string>): Promise<SegmentWork[]> {
    if (!retry.some((segment) => segment.finalId !== null)) return [...retry];
    const live = (segmentId: string): boolean => this.view.replicasOf(segmentId).some((server) => !failedServers.has(server.id));
    if (retry.some((segment) => segment.finalId !== null && !live(segment.record.id) && !live(segment.finalId))) {
      await new Promise((resolve) => setTimeout(resolve, handoffCatchUpMs));
    }
    const kept: SegmentWork[] = [];
    const replacements = new Map<string, SegmentWork>();
    for (const segment of retry) {
      const finalId = segment.finalId;
      const record = finalId === null ? undefined : this.view.servedRecord(finalId);
      if (finalId === null || answeredFinals.has(finalId) || record === undefined || !live(finalId)) {
        kept.push(segment);
        continue;
      }
      const previous = replacements.get(finalId);
      const intervals = condenseIntervals([...(previous?.intervals ?? []), ...segment.intervals]);
      const order = Math.min(previous?.order ?? segment.order, segment.order);
      // No cache key: a replacement is rare, and its result is not cached.
      replacements.set(finalId, { order, record, intervals, cacheKey: '', finalId: null });
    }
    return [...kept, ...replacements.values()];
  }

  /** One replica per segment: the live server with the fewest sub-queries in flight; ties spread randomly. */
  private assign(work: readonly SegmentWork[], failedServers: ReadonlySet<string>): Map<string, { server: ServerAnnouncement; segments: SegmentWork[] }> {
    const byServer = new Map<string, { server: ServerAnnouncement; segments: SegmentWork[] }>();
    const assigned = new Map<string, number>();
    const unserved: SegmentWork[] = [];
    for (const segment of work) {
      const replicas = this.view.replicasOf(segment.record.id).filter((server) => !failedServers.has(server.id));
      if (replicas.length === 0) {
        unserved.push(segment);
        continue;
      }
      const load = (server: ServerAnnouncement): number => (this.inFlight.get(server.id) ?? 0) * 1_000_000 + (assigned.get(server.id) ?? 0);
      let best = replicas[Math.floor(Math.random() * replicas.length)]!;
      for (const server of replicas) if (load(server) < load(best)) best = server;
      assigned.set(best.id, (assigned.get(best.id) ?? 0) + 1);
      let group = byServer.get(best.id);
      if (group === undefined) {
        group = { server: best, segments: [] };
        byServer.set(best.id, group);
      }
      group.segments.push(segment);
    }
    if (unserved.length > 0) throw missingSegments(unserved, 'no live replica');
    return byServer;
  }

  private collect(
    segments: readonly SegmentWork[],
    response: Awaited<ReturnType<SubQuerySender>>,
    gathered: Gathered[],
    retry: SegmentWork[],
    answeredFinals: Set<string>,
    populate: boolean,
  ): void {
    const byId = new Map(segments.map((segment) => [segment.record.id, segment]));
    for (const result of response.results) {
      const first = byId.get(result.segmentIds[0]!);
      if (first === undefined) continue;
      for (const segmentId of result.segmentIds) {
        const finalId = byId.get(segmentId)?.finalId;
        if (finalId !== undefined && finalId !== null) answeredFinals.add(finalId);
      }
      if (populate && result.segmentIds.length === 1 && first.finalId === null && first.cacheKey !== '') this.options.cache.put(first.cacheKey, partialToWire(result.partial));
      gathered.push({ order: first.order, partial: result.partial });
    }
    for (const segmentId of response.missing) {
      const segment = byId.get(segmentId);
      if (segment !== undefined) retry.push(segment);
    }
  }

  private async send(server: ServerAnnouncement, request: Parameters<SubQuerySender>[1], timeoutMs: number): ReturnType<SubQuerySender> {
    this.inFlight.set(server.id, (this.inFlight.get(server.id) ?? 0) + 1);
    this.sentByServer.set(server.id, (this.sentByServer.get(server.id) ?? 0) + 1);
    try {
      return await this.options.send(server, request, timeoutMs);
    } finally {
      this.inFlight.set(server.id, (this.inFlight.get(server.id) ?? 1) - 1);
    }
  }
}

function missingSegments(segments: readonly SegmentWork[], reason: string): SedimentError {
  const ids = segments.map((segment) => segment.record.id);
  const shown = ids.slice(0, 10).join(', ');
  return new SedimentError('internal', `Query cannot be answered completely (${reason}): ${ids.length} segment(s) unavailable: ${shown}${ids.length > 10 ? ', …' : ''}`);
}
