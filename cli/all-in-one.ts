// The all-in-one process: coordinator, historical, broker and task runner in one Node process on
// embedded defaults (SQLite metadata, local deep storage, in-process discovery). The roles talk
// through the same seams a cluster uses: the metadata store, deep storage, and segment announcements.
import { setDecodedColumnBudget } from '../segment-format/decoded-column-budget.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SedimentConfig } from '../cluster/config.js';
import { LocalDeepStorage } from '../cluster/local-deep-storage.js';
import { createLogger } from '../cluster/logger.js';
import { SqliteMetadataStore } from '../cluster/sqlite-metadata-store.js';
import { buildHttpServer } from '../broker/http-server.js';
import { QueryService } from '../broker/query-service.js';
import { Timeline } from '../broker/timeline.js';
import { compactionRoutes } from '../broker/http-compaction-routes.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { CompactionDuty } from '../coordinator/compaction/compaction-duty.js';
import { registerCoordinatorClusterRoutes } from '../coordinator/http-coordinator-cluster-routes.js';
import { KillDuty } from '../coordinator/kill/kill-duty.js';
import { SegmentCache } from '../historical/segment-cache.js';
import { SegmentManager } from '../historical/segment-manager.js';
import { TaskRunner } from '../realtime/task-runner.js';
import { recordSourceFactory } from '../realtime/kafka/record-source-factory.js';
import { warmIngestionWorkers } from '../realtime/parallel-ingestion.js';
import { AnnouncementHandoffWatcher } from '../realtime/stream/handoff-watcher.js';
import type { InProcessStream } from '../realtime/stream/in-process-stream.js';
import { RealtimeSegments } from '../realtime/stream/realtime-segments.js';
import { SegmentAllocator } from '../realtime/stream/segment-allocator.js';
import { SupervisorManager } from '../realtime/stream/supervisor-manager.js';
import { liveDataSource, liveSupervisorSpec, startLiveGenerator, type LiveGenerator } from './live-generator.js';
import { sampleDataSource, sampleIngestionSpec, writeSampleFile } from './sample-data.js';
import { sedimentVersion } from './version.js';

export interface AllInOne {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly tasks: TaskRunner;
  readonly coordinator: Coordinator;
  readonly store: SqliteMetadataStore;
  readonly supervisors: SupervisorManager;
  /** Realtime pieces being served (announced into the broker's timeline). */
  readonly realtime: RealtimeSegments;
  /** Id of the sample ingestion task when this start submitted one. */
  readonly sampleTaskId: string | null;
  close(): Promise<void>;
}

export interface AllInOneOptions {
  /** Generate and load the sample datasource when absent. */
  readonly sample: boolean;
  /** Feed the live datasource from the built-in generator; defaults to `sample`. */
  readonly live?: boolean;
  /** In-process streams supervisors may read with bootstrap.servers "in-process" (tests, embedding). */
  readonly inProcessStreams?: ReadonlyMap<string, InProcessStream>;
}

export async function startAllInOne(config: SedimentConfig, options: AllInOneOptions): Promise<AllInOne> {
  const log = createLogger('sediment');
  await mkdir(config.dataDir, { recursive: true });
  const store = SqliteMetadataStore.open(config.metadata.path);
  const deepStorage = new LocalDeepStorage(config.deepStorage.dir);
  setDecodedColumnBudget(config.segmentCache.decodedColumnBytes);
  const cache = new SegmentCache(config.segmentCache.dir, deepStorage, { maxSizeBytes: config.segmentCache.maxSizeBytes });
  const historical = new SegmentManager(cache);
  const timeline = new Timeline();
  // In-process announcements: what the historical serves is what the broker's timeline sees.
  historical.on('added', (record) => timeline.add(record));
  historical.on('removed', (record) => timeline.remove(record.id));

  const coordinator = new Coordinator(store, [historical], { periodMs: 5_000, maxLoadsPerRun: 1_000, log });
  await coordinator.runOnce();
  coordinator.start();

  const tasks = new TaskRunner({
    store,
    deepStorage,
    workDir: join(config.dataDir, 'task-work'),
    onPublished: async () => {
      await coordinator.runOnce();
    },
    log,
  });
  const compaction = new CompactionDuty({
    store,
    submit: (spec) => tasks.submit(spec),
    runningCompactions: () => tasks.runningCompactions(),
    periodMs: 60_000,
    maxConcurrentTasks: 1,
    log,
  });
  // Druid's kill defaults: unused segments whose data ended 90 days ago and that have been unused 30 days.
  const kill = new KillDuty({ store, deepStorage, periodMs: 86_400_000, durationToRetainMs: 90 * 86_400_000, bufferPeriodMs: 30 * 86_400_000, maxSegmentsPerRun: 100, log });
  compaction.start();
  kill.start();

  const realtime = new RealtimeSegments();
  // Realtime pieces join the same timeline; a piece is withdrawn inside the announcement of the
  // historical copy that replaces it (see handoff-watcher.ts), so no query sees both or neither.
  realtime.on('added', (record) => timeline.add(record));
  realtime.on('removed', (record) => timeline.remove(record.id));
  const handoff = new AnnouncementHandoffWatcher({
    isServed: (id) => historical.get(id) !== undefined,
    onAdded: (listener) => historical.on('added', (record) => listener(record.id)),
  });
  const streams = new Map(options.inProcessStreams ?? []);
  const live: LiveGenerator | null = options.live ?? options.sample ? startLiveGenerator() : null;
  if (live !== null) streams.set(liveDataSource, live.stream);
  const supervisors = new SupervisorManager({
    store,
    deepStorage,
    allocator: new SegmentAllocator(store),
    announcer: realtime,
    handoff,
    workDir: join(config.dataDir, 'realtime'),
    sourceFor: recordSourceFactory(streams),
    onPublished: async () => {
      await coordinator.runOnce();
    },
    log,
  });
  if (live !== null) await prepareLiveSupervisor(store);
  await supervisors.restore();
  if (live !== null && (await store.supervisor(liveDataSource)) === undefined) {
    await supervisors.submit(liveSupervisorSpec(), { author: 'sediment', comment: 'quickstart live feed' });
  }
  const queryService = new QueryService(timeline, (id) => realtime.get(id) ?? historical.get(id), {
    maxConcurrentQueries: config.query.maxConcurrentQueries,
  });
  const app = buildHttpServer({
    queryService,
    timeline,
    store,
    version: sedimentVersion,
    tasks: {
      submit: (spec) => tasks.submit(spec),
      task: (id) => store.task(id),
      tasks: () => store.tasks(),
      progressOf: (id) => tasks.progressOf(id),
    },
    supervisors,
    routeGroups: [
      (server) => compactionRoutes(server, { store, compaction, kill }),
      (server) => registerCoordinatorClusterRoutes(server, { coordinator, isLeader: () => true, includeLoadStatus: false }),
    ],
  });
  await app.listen({ port: config.port, host: config.host });
  warmIngestionWorkers();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://localhost:${port}`;

  const sampleTaskId = options.sample && config.quickstart.sampleDataSource ? await submitSampleIfAbsent(config, store, tasks) : null;

  return {
    app,
    url,
    tasks,
    coordinator,
    store,
    supervisors,
    realtime,
    sampleTaskId,
    async close() {
      await app.close();
      compaction.stop();
      kill.stop();
      live?.stop();
      await supervisors.close();
      coordinator.stop();
      await tasks.drain();
      // Keep the cached files: a restart serves them again without downloading.
      await historical.close();
      await store.close();
    },
  };
}

/**
 * The live feed's stream lives in this process only, so a restart begins it at offset 0 again: its
 * supervisor's offsets from the previous run are reset (audited) rather than reported as lost.
 */
async function prepareLiveSupervisor(store: SqliteMetadataStore): Promise<void> {
  if ((await store.committedOffsets(liveDataSource)) !== null) {
    await store.resetOffsets(liveDataSource, { author: 'sediment', comment: 'the in-process live feed restarted at offset 0' });
  }
}

async function submitSampleIfAbsent(config: SedimentConfig, store: SqliteMetadataStore, tasks: TaskRunner): Promise<string | null> {
  const existing = await store.usedSegments(sampleDataSource);
  if (existing.length > 0) return null;
  const now = new Date();
  const anchorDayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const directory = join(config.dataDir, 'samples');
  const fileName = `${sampleDataSource}.json.gz`;
  await writeSampleFile(join(directory, fileName), { rows: config.quickstart.sampleRows, anchorDayMs });
  return tasks.submit(sampleIngestionSpec(directory, fileName));
}
