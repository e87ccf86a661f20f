// The coordinator's HTTP API on Druid's paths: retention rules, servers, load status and queue,
// leadership. `includeLoadStatus: false` leaves /loadstatus to a server that already has one
// (the all-in-one's http-coordinator-routes.ts).
import type { FastifyInstance } from 'fastify';
import { SedimentError } from '../cluster/errors.js';
import type { Coordinator } from './coordinator.js';
import { defaultRulesKey, parseRules, ruleJson, rulesChain } from './rules.js';

export interface CoordinatorRoutesOptions {
  readonly coordinator: Coordinator;
  /** Whether this process leads the coordinators (only the leader runs duties). */
  readonly isLeader: () => boolean;
  readonly includeLoadStatus: boolean;
}

const base = '/druid/coordinator/v1';

export function registerCoordinatorClusterRoutes(app: FastifyInstance, options: CoordinatorRoutesOptions): void {
  registerRulesRoutes(app, options.coordinator);
  registerServerRoutes(app, options.coordinator);
  app.get(`${base}/isLeader`, async (_request, reply) => {
    const leader = options.isLeader();
    void reply.status(leader ? 200 : 404).send({ leader });
  });
  app.get<{ Querystring: { simple?: string; full?: string } }>(`${base}/loadqueue`, async (request) => loadQueueJson(options.coordinator, request.query.simple !== undefined));
  if (!options.includeLoadStatus) return;
  app.get<{ Querystring: { simple?: string; full?: string } }>(`${base}/loadstatus`, async (request) => {
    const result: Record<string, number> = {};
    for (const [dataSource, entry] of options.coordinator.loadStatus()) {
      if (request.query.simple !== undefined) result[dataSource] = entry.wanted - entry.served;
      else if (request.query.full !== undefined) result[dataSource] = entry.replicasMissing;
      else result[dataSource] = entry.wanted === 0 ? 100 : (100 * entry.served) / entry.wanted;
    }
    return result;
  });
}

function registerRulesRoutes(app: FastifyInstance, coordinator: Coordinator): void {
  app.get(`${base}/rules`, async () => {
    const all = await coordinator.rules.all();
    return Object.fromEntries(Object.entries(all).map(([dataSource, rules]) => [dataSource, rules.map(ruleJson)]));
  });
  app.get(`${base}/rules/history`, async () => coordinator.rules.history());
  app.get<{ Params: { dataSource: string }; Querystring: { full?: string } }>(`${base}/rules/:dataSource`, async (request) => {
    const all = await coordinator.rules.all();
    const { dataSource } = request.params;
    if (request.query.full !== undefined) return rulesChain(all, dataSource).map(ruleJson);
    return (all[dataSource] ?? []).map(ruleJson);
  });
  app.post<{ Params: { dataSource: string } }>(`${base}/rules/:dataSource`, async (request, reply) => {
    const { dataSource } = request.params;
    const rules = parseRules(request.body, 'rules');
    if (dataSource === defaultRulesKey && rules.length === 0) throw new SedimentError('invalid_input', 'rules: the _default rules cannot be empty');
    const author = String(request.headers['x-druid-author'] ?? '');
    const comment = String(request.headers['x-druid-comment'] ?? '');
    await coordinator.rules.set(dataSource, rules, { author, comment });
    void reply.status(200).send();
  });
}

function registerServerRoutes(app: FastifyInstance, coordinator: Coordinator): void {
  app.get<{ Querystring: { simple?: string; full?: string } }>(`${base}/servers`, async (request) => {
    const servers = coordinator.historicals();
    if (request.query.simple === undefined && request.query.full === undefined) return servers.map((server) => server.id);
    return servers.map((server) => {
      const served = server.served();
      const currSize = served.reduce((total, record) => total + record.sizeBytes, 0);
      const summary = { host: server.id, tier: server.tier, type: 'historical', priority: 0, currSize, maxSize: server.maxSizeBytes };
      return request.query.full === undefined ? summary : { ...summary, segments: Object.fromEntries(served.map((record) => [record.id, record])) };
    });
  });
  app.get<{ Params: { server: string } }>(`${base}/servers/:server/segments`, async (request) => {
    const server = coordinator.historicals().find((candidate) => candidate.id === request.params.server);
    if (server === undefined) throw new SedimentError('not_found', `Unknown server '${request.params.server}'.`);
    return server.served().map((record) => record.id);
  });
}

function loadQueueJson(coordinator: Coordinator, simple: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const server of coordinator.historicals()) {
    const changes = coordinator.loadQueue().get(server.id) ?? [];
    const loads = changes.filter((change) => change.action === 'load');
    const drops = changes.filter((change) => change.action === 'drop');
    result[server.id] = simple
      ? {
          segmentsToLoad: loads.length,
          segmentsToDrop: drops.length,
          segmentsToLoadSize: loads.reduce((total, change) => total + change.sizeBytes, 0),
          segmentsToDropSize: 0,
        }
      : { segmentsToLoad: loads.map((change) => change.segmentId), segmentsToDrop: drops.map((change) => change.segmentId) };
  }
  return result;
}
