// Druid's supervisor API on its paths: submit, list, spec, status, suspend, resume, reset, terminate.
// Changes are audited with Druid's X-Druid-Author / X-Druid-Comment headers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SedimentError } from '../cluster/errors.js';

/** What the HTTP layer needs from the supervisor registry (the all-in-one process wires SupervisorManager). */
export interface SupervisorApi {
  /** Creates or replaces a supervisor from a Kafka supervisor spec; throws invalid_input naming the field. */
  submit(spec: unknown, author: { author: string; comment: string }): Promise<string>;
  /** Ids of supervisors that are not terminated. */
  ids(): string[];
  /** The submitted spec; throws not_found. */
  spec(id: string): unknown;
  /** 'RUNNING' | 'SUSPENDED'; throws not_found. */
  state(id: string): string;
  /** Druid's status report; throws not_found. */
  status(id: string): Promise<unknown>;
  suspend(id: string, author: { author: string; comment: string }): Promise<void>;
  resume(id: string, author: { author: string; comment: string }): Promise<void>;
  reset(id: string, author: { author: string; comment: string }): Promise<void>;
  terminate(id: string, author: { author: string; comment: string }): Promise<void>;
}

function authorOf(request: FastifyRequest): { author: string; comment: string } {
  const header = (name: string): string => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : '';
  };
  return { author: header('x-druid-author') || request.ip || 'unknown', comment: header('x-druid-comment') };
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function supervisorRoutes(app: FastifyInstance, supervisors: SupervisorApi): void {
  const base = '/druid/indexer/v1/supervisor';
  app.post(base, async (request) => {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new SedimentError('invalid_input', 'The request body must be a JSON supervisor spec object.');
    }
    return { id: await supervisors.submit(request.body, authorOf(request)) };
  });
  app.get<{ Querystring: { full?: string; state?: string } }>(base, async (request) => {
    const ids = supervisors.ids();
    if (request.query.full !== undefined) return ids.map((id) => ({ id, spec: supervisors.spec(id), state: supervisors.state(id) }));
    if (request.query.state !== undefined) {
      return ids.map((id) => ({ id, state: supervisors.state(id), detailedState: supervisors.state(id), healthy: true, suspended: supervisors.state(id) === 'SUSPENDED' }));
    }
    return ids;
  });
  app.get(`${base}/:id`, async (request: IdRequest) => supervisors.spec(request.params.id));
  app.get(`${base}/:id/status`, async (request: IdRequest) => supervisors.status(request.params.id));
  app.post(`${base}/:id/suspend`, async (request: IdRequest) => {
    await supervisors.suspend(request.params.id, authorOf(request));
    return supervisors.spec(request.params.id);
  });
  app.post(`${base}/:id/resume`, async (request: IdRequest) => {
    await supervisors.resume(request.params.id, authorOf(request));
    return supervisors.spec(request.params.id);
  });
  app.post(`${base}/:id/reset`, async (request: IdRequest) => {
    await supervisors.reset(request.params.id, authorOf(request));
    return { id: request.params.id };
  });
  app.post(`${base}/:id/terminate`, async (request: IdRequest) => {
    await supervisors.terminate(request.params.id, authorOf(request));
    return { id: request.params.id };
  });
}
