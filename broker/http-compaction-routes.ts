// Druid's compaction and segment-lifecycle coordinator APIs: auto-compaction config per datasource,
// compaction status (with Sediment's per-chunk reasons), mark unused, and kill of an interval.
import type { FastifyInstance } from 'fastify';
import { SedimentError, invalidInput } from '../cluster/errors.js';
import type { MetadataStore } from '../cluster/metadata-store.js';
import { parseInterval } from '../query/intervals.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

/** What the routes need from the compaction duty (coordinator/compaction/compaction-duty.ts implements it). */
export interface CompactionApi {
  /** Druid's CoordinatorCompactionConfig. */
  configDocument(): Promise<{ compactionConfigs: readonly Record<string, unknown>[] }>;
  /** Validates and stores a DataSourceCompactionConfig; throws invalid_input naming the field. */
  setDataSourceConfig(json: unknown): Promise<void>;
  /** False when the datasource had no config. */
  deleteDataSourceConfig(dataSource: string): Promise<boolean>;
  setTaskSlots(ratio: number | undefined, max: number | undefined): Promise<void>;
  /** Druid's AutoCompactionSnapshot per datasource (all configured ones when undefined). */
  status(dataSource?: string): Promise<readonly { dataSource: string; bytesAwaitingCompaction: number }[]>;
}

/** What the routes need to kill segments (coordinator/kill/kill-duty.ts implements it). */
export interface KillApi {
  /** Permanently deletes the unused segments wholly inside the interval; returns their ids. */
  killInterval(dataSource: string, interval: TimeInterval): Promise<{ killed: readonly string[] }>;
}

export interface CompactionRouteDependencies {
  readonly store: MetadataStore;
  readonly compaction: CompactionApi;
  readonly kill: KillApi;
}

export function compactionRoutes(app: FastifyInstance, dependencies: CompactionRouteDependencies): void {
  configRoutes(app, dependencies.compaction);
  statusRoutes(app, dependencies.compaction);
  lifecycleRoutes(app, dependencies);
}

const base = '/druid/coordinator/v1';

function configRoutes(app: FastifyInstance, compaction: CompactionApi): void {
  app.get(`${base}/config/compaction`, async () => compaction.configDocument());
  app.post(`${base}/config/compaction`, async (request) => {
    await compaction.setDataSourceConfig(request.body);
    return {};
  });
  app.post<{ Querystring: { ratio?: string; max?: string } }>(`${base}/config/compaction/taskslots`, async (request) => {
    const ratio = request.query.ratio === undefined ? undefined : Number(request.query.ratio);
    const max = request.query.max === undefined ? undefined : Number(request.query.max);
    await compaction.setTaskSlots(ratio, max);
    return {};
  });
  app.get<{ Params: { dataSource: string } }>(`${base}/config/compaction/:dataSource`, async (request) => {
    const config = (await compaction.configDocument()).compactionConfigs.find((item) => item['dataSource'] === request.params.dataSource);
    if (config === undefined) throw new SedimentError('not_found', `No compaction config for datasource '${request.params.dataSource}'.`);
    return config;
  });
  app.delete<{ Params: { dataSource: string } }>(`${base}/config/compaction/:dataSource`, async (request) => {
    if (!(await compaction.deleteDataSourceConfig(request.params.dataSource))) {
      throw new SedimentError('not_found', `No compaction config for datasource '${request.params.dataSource}'.`);
    }
    return {};
  });
}

function statusRoutes(app: FastifyInstance, compaction: CompactionApi): void {
  app.get<{ Querystring: { dataSource?: string } }>(`${base}/compaction/status`, async (request) => ({
    latestStatus: await compaction.status(request.query.dataSource),
  }));
  app.get<{ Querystring: { dataSource?: string } }>(`${base}/compaction/progress`, async (request) => {
    const dataSource = request.query.dataSource;
    if (dataSource === undefined || dataSource === '') throw invalidInput('dataSource', 'is required');
    const [status] = await compaction.status(dataSource);
    return { remainingSegmentSize: status?.bytesAwaitingCompaction ?? 0 };
  });
}

function lifecycleRoutes(app: FastifyInstance, dependencies: CompactionRouteDependencies): void {
  app.post<{ Params: { dataSource: string } }>(`${base}/datasources/:dataSource/markUnused`, async (request) => {
    const ids = await segmentIdsToMark(dependencies.store, request.params.dataSource, request.body);
    return { numChangedSegments: await dependencies.store.markUnused(ids) };
  });
  app.delete<{ Params: { dataSource: string; interval: string } }>(`${base}/datasources/:dataSource/intervals/:interval`, async (request) => {
    // Druid writes the interval's '/' as '_' in this path.
    const interval = parseInterval(decodeURIComponent(request.params.interval).replace('_', '/'), 'interval');
    const result = await dependencies.kill.killInterval(request.params.dataSource, interval);
    return { killed: result.killed.length, segmentIds: result.killed };
  });
}

/** `{interval}` marks the used segments wholly inside it; `{segmentIds}` those of this datasource among them. */
async function segmentIdsToMark(store: MetadataStore, dataSource: string, body: unknown): Promise<string[]> {
  if (typeof body !== 'object' || body === null) throw invalidInput('', 'body must be {"interval": …} or {"segmentIds": […]}');
  const { interval, segmentIds } = body as { interval?: unknown; segmentIds?: unknown };
  if ((interval === undefined) === (segmentIds === undefined)) throw invalidInput('', 'give exactly one of interval and segmentIds');
  const used = await store.usedSegments(dataSource);
  if (interval !== undefined) {
    if (typeof interval !== 'string') throw invalidInput('interval', 'must be an ISO-8601 interval string');
    const parsed = parseInterval(interval, 'interval');
    return used.filter((record) => record.interval.startMs >= parsed.startMs && record.interval.endMs <= parsed.endMs).map((record) => record.id);
  }
  if (!Array.isArray(segmentIds) || segmentIds.some((id) => typeof id !== 'string')) throw invalidInput('segmentIds', 'must be an array of segment id strings');
  const wanted = new Set(segmentIds as string[]);
  return used.filter((record) => wanted.has(record.id)).map((record) => record.id);
}
