// The HTTP API on Druid's paths: native queries, datasource and segment listings, the task API,
// status. Every SedimentError becomes Druid's error JSON with its status; anything else is a 500.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';
import type { QueryService } from './query-service.js';
import type { Timeline } from './timeline.js';
import { coordinatorRoutes } from './http-coordinator-routes.js';
import { taskRoutes, type TaskApi } from './http-task-routes.js';
import { supervisorRoutes, type SupervisorApi } from './http-supervisor-routes.js';
import { consolePage } from './console-page.js';

export interface HttpServerDependencies {
  readonly queryService: QueryService;
  readonly timeline: Timeline;
  readonly store: MetadataStore;
  readonly tasks: TaskApi;
  /** The supervisor API; its routes are absent when not given. */
  readonly supervisors?: SupervisorApi;
  /** Version string reported by /status. */
  readonly version: string;
  /** Largest accepted request body (inline ingestion specs can be large). */
  readonly bodyLimitBytes?: number;
  /** Further route groups the process composes in (compaction, coordinator rules and servers). */
  readonly routeGroups?: readonly ((app: FastifyInstance) => void)[];
}

export function buildHttpServer(dependencies: HttpServerDependencies): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: dependencies.bodyLimitBytes ?? 64 * 1024 * 1024 });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new SedimentError('not_found', `No route ${request.method} ${request.url}`).toJson());
  });

  app.post('/druid/v2', async (request, reply) => sendQuery(dependencies, request, reply));
  app.post('/druid/v2/', async (request, reply) => sendQuery(dependencies, request, reply));
  app.post('/druid/v2/sql', async () => {
    // Said plainly, not a 404: Druid clients probe this path.
    throw new SedimentError('unsupported', 'Druid SQL is not supported yet; send a native JSON query to POST /druid/v2.');
  });
  app.get('/druid/v2/datasources', async () => dependencies.timeline.dataSources().sort());
  app.get<{ Params: { dataSource: string } }>('/druid/v2/datasources/:dataSource', async (request) =>
    dataSourceSchema(dependencies.timeline, request.params.dataSource),
  );
  app.get<{ Params: { dataSource: string } }>('/druid/v2/datasources/:dataSource/dimensions', async (request) =>
    dataSourceSchema(dependencies.timeline, request.params.dataSource).dimensions,
  );
  app.get<{ Params: { dataSource: string } }>('/druid/v2/datasources/:dataSource/metrics', async (request) =>
    dataSourceSchema(dependencies.timeline, request.params.dataSource).metrics,
  );
  app.get('/status', async () => ({ version: dependencies.version, modules: [], memory: process.memoryUsage() }));
  app.get('/status/health', async () => true);
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(consolePage(dependencies.version)));

  coordinatorRoutes(app, dependencies.timeline, dependencies.store);
  taskRoutes(app, dependencies.tasks);
  if (dependencies.supervisors !== undefined) supervisorRoutes(app, dependencies.supervisors);
  for (const register of dependencies.routeGroups ?? []) register(app);
  return app;
}

async function sendQuery(dependencies: HttpServerDependencies, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.body === undefined || request.body === null) {
    throw new SedimentError('invalid_input', 'The request body must be a JSON query object.');
  }
  const { query, results } = await dependencies.queryService.executeAsync(request.body);
  const pretty = Object.prototype.hasOwnProperty.call(request.query ?? {}, 'pretty');
  void reply
    .header('X-Druid-Query-Id', query.context.queryId)
    .type('application/json')
    .send(pretty ? JSON.stringify(results, null, 2) : JSON.stringify(results));
}

function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof SedimentError) {
    if (error.httpStatus >= 500) request.log.error(error);
    void reply.status(error.httpStatus).send(error.toJson());
    return;
  }
  const fastifyError = error as { statusCode?: number; message?: string; code?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Malformed JSON, wrong content type, body too large: the client's to fix.
    const message = `${fastifyError.message ?? 'Bad request'}`;
    void reply.status(fastifyError.statusCode).send(new SedimentError('invalid_input', message).toJson());
    return;
  }
  console.error(error);
  const message = error instanceof Error ? error.message : String(error);
  void reply.status(500).send(new SedimentError('internal', message).toJson());
}

/** Druid's `GET /druid/v2/datasources/{ds}`: the union of dimensions and metrics of visible segments. */
export function dataSourceSchema(timeline: Timeline, dataSource: string): { dimensions: string[]; metrics: string[] } {
  const segments: SegmentRecord[] = timeline.segments(dataSource);
  if (segments.length === 0) throw new SedimentError('not_found', `Unknown datasource '${dataSource}'.`);
  const dimensions = new Set<string>();
  const metrics = new Set<string>();
  for (const segment of segments) {
    for (const dimension of segment.info.dimensions) dimensions.add(dimension);
    for (const metric of segment.info.metrics) metrics.add(metric.name);
  }
  return { dimensions: [...dimensions].sort(), metrics: [...metrics].sort() };
}
