// Scatter/gather over historicals and a realtime server, with an in-process sender that runs the
// servers' sub-query code on in-memory segments: interval pruning, no caching of growing realtime
// pieces, and pieces dropped at handoff read from the handed-off segment exactly once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerAnnouncement } from '../../cluster/discovery.js';
import { InProcessDiscovery } from '../../cluster/in-process-discovery.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { BrokerServerView } from '../../broker/broker-server-view.js';
import { ScatterGather } from '../../broker/scatter-gather.js';
import { SegmentResultCache } from '../../broker/segment-result-cache.js';
import { runSubQuery } from '../../historical/sub-query-runner.js';
import { parseQuery } from '../../query/parse-query.js';
import type { QueryableSegment } from '../../query/queryable-segment.js';
import { segmentFromRows } from '../../segment-format/in-memory-segment.js';
import type { SubQueryRequest } from '../../historical/sub-query.js';

const hourMs = 3_600_000;
const dataSource = 'events';

function server(id: string, role: ServerAnnouncement['role']): ServerAnnouncement {
  return { id, role, host: 'localhost', port: 1, tier: '_default_tier', maxSizeBytes: 0 };
}

function record(id: string, startMs: number, version: string, partition = 0): SegmentRecord {
  const info = { dataSource, interval: { startMs, endMs: startMs + hourMs }, version, partition, rowCount: 0, rollup: false, queryGranularity: { type: 'none' }, dimensions: ['page'], metrics: [] };
  return { id, dataSource, interval: info.interval, version, partition, used: true, deepStorageKey: '', sizeBytes: 0, info, createdMs: 0 };
}

/** `rows` rows in the hour at `startMs`, each with value `value`. */
function segment(startMs: number, rows: number, value: number): QueryableSegment {
  const info = { dataSource, interval: { startMs, endMs: startMs + hourMs }, version: 'v', partition: 0, rollup: false, queryGranularity: { type: 'none' }, dimensions: ['page'], metrics: [] };
  return segmentFromRows(info, [{ name: 'page', kind: 'string' }, { name: 'value', kind: 'long' }], Array.from({ length: rows }, (_, index) => ({ __time: startMs + index * 1000, page: `p${index % 3}`, value })));
}

interface Harness {
  readonly discovery: InProcessDiscovery;
  readonly scatterGather: ScatterGather;
  /** What each server can read, by server id then segment id. */
  readonly served: Map<string, Map<string, QueryableSegment>>;
  /** Runs once before a server answers (to simulate a handoff racing the query). */
  beforeAnswer: ((serverId: string) => Promise<void> | void) | null;
  totals(startMs: number, endMs: number, context?: object): Promise<{ count: number; value: number | null }>;
}

async function harness(cacheSizeBytes = 0): Promise<Harness> {
  const discovery = new InProcessDiscovery();
  const view = new BrokerServerView(discovery);
  const served = new Map<string, Map<string, QueryableSegment>>([['historical@1', new Map()], ['realtime@r', new Map()]]);
  const state: Harness = {
    discovery,
    served,
    beforeAnswer: null,
    scatterGather: new ScatterGather(view, {
      cache: new SegmentResultCache(cacheSizeBytes),
      defaultTimeoutMs: 10_000,
      log: { warn: () => undefined },
      send: async (target: ServerAnnouncement, request: SubQueryRequest) => {
        const hook = state.beforeAnswer;
        state.beforeAnswer = null;
        await hook?.(target.id);
        return runSubQuery({ get: (id) => served.get(target.id)!.get(id) }, request);
      },
    }),
    async totals(startMs, endMs, context = {}) {
      const json = {
        queryType: 'timeseries', dataSource, granularity: 'all', intervals: [`${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`],
        aggregations: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'value', fieldName: 'value' }], context,
      };
      const results = (await state.scatterGather.run(parseQuery(json), json)) as { result: { count: number; value: number | null } }[];
      return results[0]?.result ?? { count: 0, value: 0 };
    },
  };
  await discovery.announceServer(server('historical@1', 'historical'));
  await discovery.announceServer(server('realtime@r', 'realtime'));
  return state;
}

/** Serve `segment` as `id` on the server and announce it. */
async function serve(state: Harness, serverId: string, announced: SegmentRecord, data: QueryableSegment): Promise<void> {
  state.served.get(serverId)!.set(announced.id, data);
  await state.discovery.announceSegment(serverId, announced);
}

/** Sub-queries sent to each of the two servers between two readings of the counters. */
function sentDifference(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(['historical@1', 'realtime@r'].map((id) => [id, (after[id] ?? 0) - (before[id] ?? 0)]));
}

describe('scatter/gather with a realtime server', () => {
  it('prunes by interval: old hours reach only the historical, the live hour only the realtime server', async () => {
    const state = await harness();
    await serve(state, 'historical@1', record('old', 0, 'v1'), segment(0, 40, 2));
    const final = 'live_v2_0';
    await serve(state, 'realtime@r', record(`${final}#realtime-0`, 5 * hourMs, 'v2'), segment(5 * hourMs, 7, 3));
    await serve(state, 'realtime@r', record(`${final}#realtime-1`, 5 * hourMs, 'v2'), segment(5 * hourMs, 5, 3));
    const check = async (startMs: number, endMs: number, expected: { count: number; value: number | null }, sent: Record<string, number>): Promise<void> => {
      const before = state.scatterGather.subQueriesSent();
      assert.deepEqual(await state.totals(startMs, endMs), expected);
      assert.deepEqual(sentDifference(before, state.scatterGather.subQueriesSent()), sent);
    };
    await check(0, hourMs, { count: 40, value: 80 }, { 'historical@1': 1, 'realtime@r': 0 });
    await check(5 * hourMs, 6 * hourMs, { count: 12, value: 36 }, { 'historical@1': 0, 'realtime@r': 1 });
    await check(0, 6 * hourMs, { count: 52, value: 116 }, { 'historical@1': 1, 'realtime@r': 1 });
    // No rows: a longSum over nothing is null (SQL-compatible null handling).
    await check(2 * hourMs, 3 * hourMs, { count: 0, value: null }, { 'historical@1': 0, 'realtime@r': 0 });
  });

  it('never caches realtime pieces (they grow under one id) but caches historical segments', async () => {
    const state = await harness(1024 * 1024);
    await serve(state, 'historical@1', record('old', 0, 'v1'), segment(0, 10, 1));
    const piece = record('live_v2_0#realtime-0', hourMs, 'v2');
    await serve(state, 'realtime@r', piece, segment(hourMs, 4, 5));
    assert.deepEqual(await state.totals(0, 2 * hourMs), { count: 14, value: 30 });
    state.served.get('realtime@r')!.set(piece.id, segment(hourMs, 9, 5));
    const before = state.scatterGather.subQueriesSent();
    assert.deepEqual(await state.totals(0, 2 * hourMs), { count: 19, value: 55 });
    assert.deepEqual(sentDifference(before, state.scatterGather.subQueriesSent()), { 'historical@1': 0, 'realtime@r': 1 }, 'the historical segment came from the cache');
  });

  it('reads the handed-off segment once when the realtime server dropped the pieces meanwhile', async () => {
    const state = await harness();
    const final = record('live_v2_0', hourMs, 'v2');
    await serve(state, 'realtime@r', record(`${final.id}#realtime-0`, hourMs, 'v2'), segment(hourMs, 6, 1));
    await serve(state, 'realtime@r', record(`${final.id}#realtime-1`, hourMs, 'v2'), segment(hourMs, 4, 1));
    await serve(state, 'realtime@r', record('other_v2_1#realtime-0', hourMs, 'v2', 1), segment(hourMs, 3, 100));
    // The query is planned on the pieces; before the realtime server answers, the historical
    // announces the published segment and the realtime server drops its pieces (still announced).
    state.beforeAnswer = async () => {
      state.served.get('historical@1')!.set(final.id, segment(hourMs, 10, 1));
      await state.discovery.announceSegment('historical@1', final);
      state.served.get('realtime@r')!.delete(`${final.id}#realtime-0`);
      state.served.get('realtime@r')!.delete(`${final.id}#realtime-1`);
    };
    const before = state.scatterGather.subQueriesSent();
    assert.deepEqual(await state.totals(0, 3 * hourMs), { count: 13, value: 310 });
    assert.deepEqual(sentDifference(before, state.scatterGather.subQueriesSent()), { 'historical@1': 1, 'realtime@r': 1 });
    // Later queries read the historical copy directly.
    assert.deepEqual(await state.totals(0, 3 * hourMs), { count: 13, value: 310 });
  });

  it('fails naming the pieces when they vanished and no historical serves their segment', async () => {
    const state = await harness();
    await serve(state, 'realtime@r', record('live_v2_0#realtime-0', hourMs, 'v2'), segment(hourMs, 6, 1));
    state.served.get('realtime@r')!.clear();
    await assert.rejects(state.totals(0, 3 * hourMs), /live_v2_0#realtime-0/);
  });
});
