// The coordinator's read APIs Druid users rely on: datasources, their segments, load status.
import type { FastifyInstance } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';
import { formatInterval } from '../query/intervals.js';
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
    const status: Record<string, number> = {};
    for (const dataSource of await store.dataSources()) {
      const used = await store.usedSegments(dataSource);
      const served = new Set(timeline.segments(dataSource).map((segment) => segment.id));
      const loaded = used.filter((segment) => served.has(segment.id) || isOvershadowedBy(segment, used)).length;
      status[dataSource] = used.length === 0 ? 100 : (100 * loaded) / used.length;
    }
    return status;
  });
}

function servedSegments(timeline: Timeline, dataSource: string): SegmentRecord[] {
  const segments = timeline.segments(dataSource);
  if (segments.length === 0) throw new SedimentError('not_found', `Unknown datasource '${dataSource}'.`);
  return segments;
}

/** A used segment the coordinator has not yet retired may be hidden by a newer version; it counts as loaded. */
function isOvershadowedBy(segment: SegmentRecord, used: readonly SegmentRecord[]): boolean {
  return used.some(
    (other) =>
      other.version > segment.version &&
      other.interval.startMs <= segment.interval.startMs &&
      other.interval.endMs >= segment.interval.endMs,
  );
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
