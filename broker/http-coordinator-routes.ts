// The coordinator's read APIs Druid users rely on: datasources, their segments, load status.
import type { FastifyInstance } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';
import { formatInterval } from '../query/intervals.js';
import { overshadowedSegmentIds } from '../cluster/overshadowed-segments.js';
import type { Timeline } from './timeline.js';

interface DataSourceParams {
  Params: { dataSource: string };
  Querystring: { full?: string; simple?: string };
}

export function coordinatorRoutes(app: FastifyInstance, timeline: Timeline, store: MetadataStore): void {
  const base = '/druid/coordinator/v1';
  app.get<{ Querystring: { full?: string; simple?: string } }>(`${base}/datasources`, async (request) => {
    const names = timeline.dataSources().sort();
    if (request.query.simple === undefined && request.query.full === undefined) return names;
    return names.map((name) => ({ name, properties: summaryOf(timeline.segments(name)) }));
  });
  app.get<DataSourceParams>(`${base}/datasources/:dataSource`, async (request) => {
    const segments = servedSegments(timeline, request.params.dataSource);
    return summaryOf(segments);
  });
  app.get<DataSourceParams>(`${base}/datasources/:dataSource/segments`, async (request) => {
    const segments = servedSegments(timeline, request.params.dataSource);
    return request.query.full === undefined ? segments.map((segment) => segment.id) : segments.map(dataSegmentJson);
  });
  app.get(`${base}/metadata/datasources`, async () => (await store.dataSources()).sort());
  app.get<DataSourceParams>(`${base}/metadata/datasources/:dataSource/segments`, async (request) => {
    const segments = await store.usedSegments(request.params.dataSource);
    return request.query.full === undefined ? segments.map((segment) => segment.id) : segments.map(dataSegmentJson);
  });
  app.get(`${base}/loadstatus`, async () => {
    // Percent of each datasource's used segments that are served. A used segment that newer versions
    // fully cover (and the coordinator has not yet retired) can never be read, so it counts as loaded.
    const used = await store.usedSegments();
    const hidden = overshadowedSegmentIds(used, used);
    const counts = new Map<string, { used: number; loaded: number; served: Set<string> }>();
    for (const segment of used) {
      let count = counts.get(segment.dataSource);
      if (count === undefined) {
        count = { used: 0, loaded: 0, served: new Set(timeline.segments(segment.dataSource).map((served) => served.id)) };
        counts.set(segment.dataSource, count);
      }
      count.used++;
      if (hidden.has(segment.id) || count.served.has(segment.id)) count.loaded++;
    }
    const status: Record<string, number> = {};
    for (const [dataSource, count] of counts) status[dataSource] = (100 * count.loaded) / count.used;
    return status;
  });

}

function servedSegments(timeline: Timeline, dataSource: string): SegmentRecord[] {
  const segments = timeline.segments(dataSource);
  if (segments.length === 0) throw new SedimentError('not_found', `Unknown datasource '${dataSource}'.`);
  return segments;
}

function summaryOf(segments: readonly SegmentRecord[]): unknown {
  let size = 0;
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  for (const segment of segments) {
    size += segment.sizeBytes;
    minTime = Math.min(minTime, segment.interval.startMs);
    maxTime = Math.max(maxTime, segment.interval.endMs);
  }
  const count = segments.length;
  return {
    tiers: { _default_tier: { size, segmentCount: count } },
    segments: {
      count,
      size,
      minTime: count === 0 ? null : new Date(minTime).toISOString(),
      maxTime: count === 0 ? null : new Date(maxTime).toISOString(),
    },
  };
}

/** Druid's DataSegment JSON. */
export function dataSegmentJson(segment: SegmentRecord): unknown {
  return {
    dataSource: segment.dataSource,
    interval: formatInterval(segment.interval),
    version: segment.version,
    loadSpec: { type: 'sediment', key: segment.deepStorageKey },
    dimensions: segment.info.dimensions.join(','),
    metrics: segment.info.metrics.map((metric) => metric.name).join(','),
    shardSpec: { type: 'numbered', partitionNum: segment.partition, partitions: 0 },
    binaryVersion: 9,
    size: segment.sizeBytes,
    identifier: segment.id,
    id: segment.id,
    numRows: segment.info.rowCount,
  };
}
