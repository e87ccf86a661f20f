// A realtime server's sub-query endpoint: the historical's request and wire format, on its own
// path, answered over the realtime pieces (synchronously, one consistent snapshot; see sub-query-runner.ts).
import type { FastifyInstance } from 'fastify';
import { encodeWire } from '../query/partial-result-codec.js';
import { runSubQuery, type SegmentLookup } from './sub-query-runner.js';
import { parseSubQueryRequest, realtimeSubQueryPath } from './sub-query.js';

export function registerRealtimeSubQueryRoute(app: FastifyInstance, pieces: SegmentLookup): void {
  app.post(realtimeSubQueryPath, async (request, reply) => {
    const response = runSubQuery(pieces, parseSubQueryRequest(request.body));
    void reply.type('application/json').send(encodeWire(response));
  });
}
