// The realtime role of `sediment start`: runs the streaming supervisors (Druid's supervisor API on
// this process), announces every queryable realtime piece as a segment served by a server of role
// "realtime", answers brokers' sub-queries on those pieces, and hands off through discovery: a
// published segment's realtime copy is dropped once a historical announces it.
//
// One realtime process per cluster: segment allocation (partition numbers of appended segments)
// is remembered in this process only, like the all-in-one's.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { SedimentConfig } from '../../cluster/config.js';
import type { Discovery, ServerAnnouncement } from '../../cluster/discovery.js';
import { DiscoveryServedSegments } from '../../cluster/discovery-served-segments.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import type { Logger } from '../../cluster/logger.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { supervisorRoutes } from '../../broker/http-supervisor-routes.js';
import { registerRealtimeSubQueryRoute } from '../../historical/http-realtime-sub-query-route.js';
import { recordSourceFactory } from '../../realtime/kafka/record-source-factory.js';
import { AnnouncementHandoffWatcher } from '../../realtime/stream/handoff-watcher.js';
import { RealtimeSegments } from '../../realtime/stream/realtime-segments.js';
import { SegmentAllocator } from '../../realtime/stream/segment-allocator.js';
import { SupervisorManager } from '../../realtime/stream/supervisor-manager.js';
import { RealtimePieceAnnouncer } from './realtime-piece-announcer.js';

/** Long enough for every broker to hear the historical's announcement before the pieces go. */
const handoffGraceMs = 2_000;

export interface RealtimeRoleDependencies {
  readonly config: SedimentConfig;
  readonly store: MetadataStore & IngestionMetadataStore;
  readonly discovery: Discovery;
  /** Where published segments are pushed (see open-seams' openDeepStorage). */
  readonly deepStorage: DeepStorage;
  readonly log: Logger;
  /** Called after a publish commits, e.g. to run a coordinator of this process at once. */
  readonly onPublished?: (segments: readonly SegmentRecord[]) => Promise<void> | void;
}

export interface RealtimeRole {
  readonly supervisors: SupervisorManager;
  readonly pieces: RealtimeSegments;
  /** Announce this server (the HTTP server listens by now) and start the stored supervisors. */
  start(server: ServerAnnouncement): Promise<void>;
  /** Stop the tasks (without publishing: a restart re-reads from the committed offsets) and withdraw the announcements. */
  close(): Promise<void>;
}

/** Registers the role's routes on `app`; call start() once the app listens. */
export function registerRealtimeRole(app: FastifyInstance, dependencies: RealtimeRoleDependencies): RealtimeRole {
  const { config, store, discovery, log } = dependencies;
  const pieces = new RealtimeSegments();
  const servedByHistoricals = new DiscoveryServedSegments(discovery, 'historical');
  const supervisors = new SupervisorManager({
    store,
    deepStorage: dependencies.deepStorage,
    allocator: new SegmentAllocator(store),
    announcer: pieces,
    handoff: new AnnouncementHandoffWatcher(servedByHistoricals),
    workDir: join(config.dataDir, 'realtime'),
    sourceFor: recordSourceFactory(new Map()),
    ...(dependencies.onPublished === undefined ? {} : { onPublished: dependencies.onPublished }),
    log,
  });
  supervisorRoutes(app, supervisors);
  registerRealtimeSubQueryRoute(app, pieces);
  let announcer: RealtimePieceAnnouncer | null = null;
  return {
    supervisors,
    pieces,
    async start(server) {
      announcer = new RealtimePieceAnnouncer(discovery, pieces, server, { servedByHistorical: (id) => servedByHistoricals.isServed(id), handoffGraceMs, log });
      await announcer.start();
      await supervisors.restore();
    },
    async close() {
      await supervisors.close();
      await announcer?.stop();
      servedByHistoricals.close();
    },
  };
}
