// The query API of a cluster broker: Druid's /druid/v2 paths, answered with executeAsync (sub-queries
// to historicals). The all-in-one's http-server.ts serves the same paths synchronously; to let it
// use a cluster QueryService too, its sendQuery should await `queryService.executeAsync(body)`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import { dataSourceSchema } from './http-server.js';
import type { QueryService } from './query-service.js';
import type { Timeline } from './timeline.js';

export function registerBrokerRoutes(app: FastifyInstance, queryService: QueryService, timeline: Timeline): void {
  const query = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.body === undefined || request.body === null) throw new SedimentError('invalid_input', 'The request body must be a JSON query object.');
    const { query: parsed, results } = await queryService.executeAsync(request.body);
    const pretty = Object.prototype.hasOwnProperty.call(request.query ?? {}, 'pretty');
    void reply.header('X-Druid-Query-Id', parsed.context.queryId).type('application/json').send(pretty ? JSON.stringify(results, null, 2) : JSON.stringify(results));
  };
  app.post('/druid/v2', query);
  app.post('/druid/v2/', query);
  app.get('/druid/v2/datasources', async () => timeline.dataSources());
  app.get<{ Params: { dataSource: string } }>('/druid/v2/datasources/:dataSource', async (request) => dataSourceSchema(timeline, request.params.dataSource));
}
