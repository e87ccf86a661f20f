// `sediment start --role coordinator,historical,broker,realtime`: the chosen roles in this process,
// on one HTTP port, talking to the rest of the cluster through discovery (ZooKeeper, or in-process
// when none is configured), the metadata store and deep storage.
import { setDecodedColumnBudget } from '../../segment-format/decoded-column-budget.js';
import { mkdir } from 'node:fs/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SedimentConfig, ServerRoleName } from '../../cluster/config.js';
import type { Discovery, ServerAnnouncement } from '../../cluster/discovery.js';
import { SedimentError } from '../../cluster/errors.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import { createLogger, type Logger } from '../../cluster/logger.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { BrokerServerView } from '../../broker/broker-server-view.js';
import { httpSubQuery } from '../../broker/historical-client.js';
import { registerBrokerDebugRoutes } from '../../broker/http-broker-debug-routes.js';
import { registerBrokerRoutes } from '../../broker/http-broker-routes.js';
import { QueryService } from '../../broker/query-service.js';
import { ScatterGather } from '../../broker/scatter-gather.js';
import { SegmentResultCache } from '../../broker/segment-result-cache.js';
import { Coordinator } from '../../coordinator/coordinator.js';
import { registerCoordinatorClusterRoutes } from '../../coordinator/http-coordinator-cluster-routes.js';
import { RemoteHistoricals } from '../../coordinator/remote-historicals.js';
import { registerHistoricalRoutes } from '../../historical/http-historical-routes.js';
import { SegmentAnnouncer } from '../../historical/segment-announcer.js';
import { SegmentCache } from '../../historical/segment-cache.js';
import { SegmentManager } from '../../historical/segment-manager.js';
import { sedimentVersion } from '../version.js';
import { openDeepStorage, openDiscovery, openMetadataStore } from './open-seams.js';
import { registerRealtimeRole, type RealtimeRole } from './realtime-role.js';

export interface RunningRoles {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly discovery: Discovery;
  readonly coordinator: Coordinator | null;
  readonly historical: SegmentManager | null;
  readonly scatterGather: ScatterGather | null;
  readonly realtime: RealtimeRole | null;
  close(): Promise<void>;
}

interface RoleParts {
  coordinator: Coordinator | null;
  store: (MetadataStore & IngestionMetadataStore) | null;
  historical: SegmentManager | null;
  scatterGather: ScatterGather | null;
  view: BrokerServerView | null;
  realtime: RealtimeRole | null;
}

export async function startRoles(config: SedimentConfig, roles: readonly ServerRoleName[]): Promise<RunningRoles> {
  const log = createLogger(`sediment-${roles.join('-')}`);
  await mkdir(config.dataDir, { recursive: true });
  const discovery = await openDiscovery(config, log);
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
  app.setErrorHandler(handleError);
  app.get('/status', async () => ({ version: sedimentVersion, roles, modules: [] }));
  app.get('/status/health', async () => true);
  const parts: RoleParts = { coordinator: null, store: null, historical: null, scatterGather: null, view: null, realtime: null };
  let leader = false;
  if (roles.includes('coordinator') || roles.includes('realtime')) parts.store = await openMetadataStore(config, log);
  if (roles.includes('coordinator')) {
    parts.coordinator = new Coordinator(parts.store!, new RemoteHistoricals(discovery), {
      periodMs: config.coordinator.periodMs,
      maxLoadsPerRun: config.coordinator.maxLoadsPerRun,
      maxSegmentsToMove: config.coordinator.maxSegmentsToMove,
      maxLoadQueueLength: config.coordinator.maxLoadQueueLength,
      awaitLoads: false,
      log,
    });
    registerCoordinatorClusterRoutes(app, { coordinator: parts.coordinator, isLeader: () => leader, includeLoadStatus: true });
  }
  if (roles.includes('historical')) {
    setDecodedColumnBudget(config.segmentCache.decodedColumnBytes);
    const cache = new SegmentCache(config.segmentCache.dir, await openDeepStorage(config), { maxSizeBytes: config.segmentCache.maxSizeBytes });
    parts.historical = new SegmentManager(cache);
    registerHistoricalRoutes(app, parts.historical);
  }
  if (roles.includes('broker')) {
    parts.view = new BrokerServerView(discovery);
    parts.scatterGather = new ScatterGather(parts.view, { send: httpSubQuery, cache: new SegmentResultCache(config.broker.cacheSizeBytes), defaultTimeoutMs: config.broker.subQueryTimeoutMs, log });
    const queryService = new QueryService(parts.view.timeline, () => undefined, { maxConcurrentQueries: config.query.maxConcurrentQueries, scatterGather: parts.scatterGather });
    registerBrokerRoutes(app, queryService, parts.view.timeline);
    registerBrokerDebugRoutes(app, parts.scatterGather);
  }
  if (roles.includes('realtime')) {
    // A coordinator leading in this process loads newly published segments at once, not at its next run.
    const onPublished = async (): Promise<void> => {
      if (leader) await parts.coordinator?.runOnce();
    };
    parts.realtime = registerRealtimeRole(app, { config, store: parts.store!, discovery, deepStorage: await openDeepStorage(config), log, onPublished });
  }

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const announce = (role: ServerAnnouncement['role'], maxSizeBytes: number): ServerAnnouncement => ({
    id: `${role}@${config.server.advertisedHost}:${port}`,
    role,
    host: config.server.advertisedHost,
    port,
    tier: config.server.tier,
    maxSizeBytes,
  });
  const announcer = parts.historical === null ? null : new SegmentAnnouncer(discovery, parts.historical, announce('historical', config.segmentCache.maxSizeBytes));
  for (const role of roles) if (role !== 'historical' && role !== 'realtime') await discovery.announceServer(announce(role, 0));
  await parts.realtime?.start(announce('realtime', 0));
  // Served again from the cache (and announced) in the background: the server is up meanwhile.
  const announced = announcer?.start().catch((error: unknown) => log.error({ err: error }, 'announcing cached segments failed'));
  const resign = parts.coordinator === null ? null : electCoordinator(discovery, parts.coordinator, announce('coordinator', 0).id, log, (isLeader) => (leader = isLeader));
  log.info({ roles, port }, 'sediment roles started');

  return {
    url: `http://${config.server.advertisedHost}:${port}`,
    app,
    discovery,
    coordinator: parts.coordinator,
    historical: parts.historical,
    scatterGather: parts.scatterGather,
    realtime: parts.realtime,
    async close() {
      resign?.();
      parts.coordinator?.stop();
      await parts.realtime?.close();
      await app.close();
      await announced;
      await announcer?.stop();
      parts.view?.close();
      await parts.historical?.close();
      await discovery.close();
      await parts.store?.close();
    },
  };
}

function electCoordinator(discovery: Discovery, coordinator: Coordinator, candidateId: string, log: Logger, onChange: (isLeader: boolean) => void): () => void {
  return discovery.elect('coordinator', candidateId, (isLeader) => {
    onChange(isLeader);
    log.info({ candidateId, isLeader }, isLeader ? 'leading the coordinators' : 'no longer leading the coordinators');
    if (isLeader) {
      void coordinator.runOnce();
      coordinator.start();
    } else {
      coordinator.stop();
    }
  });
}

function handleError(error: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof SedimentError) {
    void reply.status(error.httpStatus).send(error.toJson());
    return;
  }
  const fastifyError = error as { statusCode?: number; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    void reply.status(fastifyError.statusCode).send(new SedimentError('invalid_input', fastifyError.message ?? 'Bad request').toJson());
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  void reply.status(500).send(new SedimentError('internal', message).toJson());
}
