// A historical's internal HTTP API: sub-queries from brokers and load/drop requests from the
// coordinator (Druid's HTTP load queue: the coordinator sends a request and hears when it is done).
import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../cluster/errors.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import { encodeWire } from '../query/partial-result-codec.js';
import type { SegmentManager } from './segment-manager.js';
import { runSubQuery } from './sub-query-runner.js';
import { parseSubQueryRequest, subQueryPath } from './sub-query.js';

export const loadPath = '/druid-internal/v1/segments/load';
export const dropPath = '/druid-internal/v1/segments/drop';
export const servedPath = '/druid-internal/v1/segments';

export function registerHistoricalRoutes(app: FastifyInstance, manager: SegmentManager): void {
  app.post(subQueryPath, async (request, reply) => {
    const response = runSubQuery(manager, parseSubQueryRequest(request.body));
    void reply.type('application/json').send(encodeWire(response));
  });
  app.post(loadPath, async (request) => {
    const record = (request.body as { record?: SegmentRecord } | null)?.record;
    if (typeof record !== 'object' || record === null || typeof record.id !== 'string' || typeof record.deepStorageKey !== 'string') {
      throw invalidInput('record', 'must be a segment record');
    }
    await manager.load(record);
    return { loaded: record.id };
  });
  app.post(dropPath, async (request) => {
    const segmentId = (request.body as { segmentId?: unknown } | null)?.segmentId;
    if (typeof segmentId !== 'string' || segmentId === '') throw invalidInput('segmentId', 'must be a segment id');
    await manager.drop(segmentId);
    return { dropped: segmentId };
  });
  app.get(servedPath, async () => ({
    served: manager.served().map(({ record }) => record.id),
    loading: manager.loadingIds(),
    sizeBytes: manager.sizeBytes(),
    maxSizeBytes: manager.maxSizeBytes,
  }));
}
