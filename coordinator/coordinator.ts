// The coordinator duty loop: make what historicals serve match the used segments and the rules.
// Each run: poll used segments (incrementally); for each segment the first applying rule gives
// the replicas per tier; under-replicated segments get loads (newest first, bounded per run and by
// each server's load queue), onto the server where the segment costs least (fullness and crowding
// of its time range), preferring a server that still has the file; overshadowed segments are
// marked unused once their replacements are served; replicas no rule keeps, of unused segments,
// and past the replica count are dropped; a bounded number of segments move from the fullest to
// the emptiest server of a tier (load first, the surplus replica is dropped in a later run), so a
// segment is never left with fewer replicas than before.
import type { Logger } from '../cluster/logger.js';
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';
import { SegmentManager } from '../historical/segment-manager.js';
import { ClusterSnapshot } from './cluster-snapshot.js';
import { fixedInventory, localHistorical, type HistoricalServer, type ServerInventory } from './historical-server.js';
import { LoadQueue } from './load-queue.js';
import { overshadowedSegmentIds } from '../cluster/overshadowed-segments.js';
import { replicantsFor, rulesChain, type Rule, type RulesByDataSource, type TieredReplicants } from './rules.js';
import { RulesStore } from './rules-store.js';
import { UsedSegmentPoller } from './used-segment-poller.js';

export interface CoordinatorOptions {
  /** Pause between the end of one run and the start of the next. */
  readonly periodMs: number;
  /** Segment replica loads issued per run at most, so one run cannot monopolise disk and network. */
  readonly maxLoadsPerRun: number;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Segments moved between servers of a tier per run at most (default 5). */
  readonly maxSegmentsToMove?: number;
  /** Loads waiting or running per historical at most (default 100). */
  readonly maxLoadQueueLength?: number;
  /**
   * Whether a run waits for the loads it issued (default true: an in-process historical, where a
   * caller that just published expects its segments served when runOnce resolves). A cluster
   * coordinator sets false: loads proceed in the background and later runs see the results.
   */
  readonly awaitLoads?: boolean;
  /** Where rules live; default: the store's "rules" config if it has one, else memory. */
  readonly rules?: RulesStore;
}

export interface CoordinatorRunResult {
  /** Segment replicas a historical started serving (or, without awaitLoads, loads issued). */
  readonly loaded: number;
  /** Segment replicas a historical stopped serving (or deleted from its cache). */
  readonly dropped: number;
  /** Overshadowed segments marked unused in the metadata store. */
  readonly markedUnused: number;
}

export interface LoadStatusEntry {
  /** Segments the rules want loaded. */
  readonly wanted: number;
  /** Of those, segments served by at least one historical. */
  readonly served: number;
  /** Replicas the rules ask for that are not served yet. */
  readonly replicasMissing: number;
}

interface RunCounts {
  loaded: number;
  dropped: number;
  markedUnused: number;
}

/** Loads running at once per historical: enough to overlap download and verification. */
const loadConcurrency = 4;

export class Coordinator {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private generation = 0;
  private lastRun: Promise<CoordinatorRunResult> = Promise.resolve({ loaded: 0, dropped: 0, markedUnused: 0 });
  private readonly inventory: ServerInventory;
  private readonly poller: UsedSegmentPoller;
  private readonly queue: LoadQueue;
  readonly rules: RulesStore;
  private lastUsed: ReadonlyMap<string, SegmentRecord> = new Map();
  private lastRules: RulesByDataSource = {};
  /** Rule chains per datasource for the current rules (rebuilt when rules are read). */
  private chains = new Map<string, readonly Rule[]>();
  /** Duration of the last run, for status and measurement. */
  lastRunMs = 0;

  /** `historicals`: SegmentManagers in this process, or an inventory of remote ones. */
  constructor(
    private readonly store: MetadataStore,
    historicals: readonly SegmentManager[] | ServerInventory,
    private readonly options: CoordinatorOptions,
  ) {
    this.inventory = Array.isArray(historicals)
      ? fixedInventory((historicals as readonly SegmentManager[]).map((manager, index) => localHistorical(manager, index === 0 ? 'local' : `local-${index}`)))
      : (historicals as ServerInventory);
    this.poller = new UsedSegmentPoller(store);
    this.queue = new LoadQueue(options.maxLoadQueueLength ?? 100, loadConcurrency);
    this.rules = options.rules ?? RulesStore.over(store);
  }

  /** Run periodically until stop(); runs never overlap. The timer does not keep the process alive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stop scheduling runs; a run in progress finishes. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * One run, after any run in progress (so a caller that just published sees its segments handled).
   * Never rejects: failures are logged and the counts say what was done.
   */
  runOnce(): Promise<CoordinatorRunResult> {
    const run = this.lastRun.then(() => this.runSafely());
    this.lastRun = run;
    return run;
  }

  /** Queued loads and drops per historical. */
  loadQueue(): Map<string, { action: 'load' | 'drop'; segmentId: string; sizeBytes: number }[]> {
    return this.queue.snapshot();
  }

  /** Per datasource, as of the last run: how much of what the rules want is served. */
  loadStatus(): Map<string, LoadStatusEntry> {
    const snapshot = new ClusterSnapshot(this.inventory.historicals(), this.queue);
    const hidden = overshadowedSegmentIds([...this.lastUsed.values()], [...this.lastUsed.values()]);
    const status = new Map<string, { wanted: number; served: number; replicasMissing: number }>();
    const nowMs = Date.now();
    for (const record of this.lastUsed.values()) {
      const entry = status.get(record.dataSource) ?? { wanted: 0, served: 0, replicasMissing: 0 };
      status.set(record.dataSource, entry);
      if (hidden.has(record.id)) continue;
      const wanted = this.achievableReplicants(snapshot, this.replicantsOf(record, nowMs));
      const total = Object.values(wanted).reduce((sum, count) => sum + count, 0);
      if (total === 0) continue;
      const holders = snapshot.holders.get(record.id)?.size ?? 0;
      entry.wanted++;
      if (holders > 0) entry.served++;
      entry.replicasMissing += Math.max(0, total - holders);
    }
    return status;
  }

  historicals(): readonly HistoricalServer[] {
    return this.inventory.historicals();
  }

  private schedule(): void {
    // A stop() then start() while a run is in flight must not leave two loops: only the loop of
    // the current generation reschedules.
    const generation = ++this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().then(() => {
        if (this.running && generation === this.generation) this.schedule();
      });
    }, this.options.periodMs);
    this.timer.unref();
  }

  private async runSafely(): Promise<CoordinatorRunResult> {
    const counts: RunCounts = { loaded: 0, dropped: 0, markedUnused: 0 };
    const startedMs = performance.now();
    try {
      await this.run(counts);
    } catch (error) {
      this.options.log.error({ err: error }, 'coordinator run failed');
    }
    this.lastRunMs = performance.now() - startedMs;
    if (counts.loaded + counts.dropped + counts.markedUnused > 0) this.options.log.info(counts, 'coordinator run');
    return counts;
  }

  private async run(counts: RunCounts): Promise<void> {
    const used = await this.poller.poll();
    this.lastUsed = used;
    this.lastRules = await this.rules.all().catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'rules unreadable; using the last known rules');
      return this.lastRules;
    });
    this.chains = new Map();
    const nowMs = Date.now();
    const usedList = [...used.values()];
    const loads = this.assignLoads(usedList, nowMs);
    const succeeded = (this.options.awaitLoads ?? true) ? (await Promise.all(loads)).filter(Boolean).length : loads.length;
    counts.loaded = succeeded;

    const snapshot = new ClusterSnapshot(this.inventory.historicals(), this.queue);
    const servedUsed = usedList.filter((record) => snapshot.holders.has(record.id));
    const retire = [...overshadowedSegmentIds(usedList, servedUsed)];
    if (retire.length > 0) {
      counts.markedUnused = await this.store.markUnused(retire);
      this.poller.forget(retire);
    }
    counts.dropped = await this.dropSurplus(snapshot, used, nowMs);
    this.balance(snapshot, used, nowMs);
  }

  private replicantsOf(record: SegmentRecord, nowMs: number): TieredReplicants {
    let chain = this.chains.get(record.dataSource);
    if (chain === undefined) {
      chain = rulesChain(this.lastRules, record.dataSource);
      this.chains.set(record.dataSource, chain);
    }
    return replicantsFor(chain, record.interval, nowMs);
  }

  /** The rule's replicas, capped by how many servers each tier has (a replica needs its own server). */
  private achievableReplicants(snapshot: ClusterSnapshot, wanted: TieredReplicants): Record<string, number> {
    const serversPerTier = new Map<string, number>();
    for (const server of snapshot.servers()) serversPerTier.set(server.tier, (serversPerTier.get(server.tier) ?? 0) + 1);
    const result: Record<string, number> = {};
    for (const [tier, count] of Object.entries(wanted)) result[tier] = Math.min(count, serversPerTier.get(tier) ?? 0);
    return result;
  }

  /** Issue loads for under-replicated segments, newest first; returns the loads' completions. */
  private assignLoads(used: readonly SegmentRecord[], nowMs: number): Promise<boolean>[] {
    const snapshot = new ClusterSnapshot(this.inventory.historicals(), this.queue);
    if (snapshot.servers().length === 0) return [];
    const hidden = overshadowedSegmentIds(used, used);
    const candidates = used
      .filter((record) => !hidden.has(record.id))
      .sort((a, b) => b.interval.endMs - a.interval.endMs || b.interval.startMs - a.interval.startMs);
    const loads: Promise<boolean>[] = [];
    for (const record of candidates) {
      if (loads.length >= this.options.maxLoadsPerRun) break;
      for (const [tier, replicas] of Object.entries(this.replicantsOf(record, nowMs))) {
        const tierServers = snapshot.servers().filter((server) => server.tier === tier);
        const holding = tierServers.filter((server) => snapshot.holders.get(record.id)?.has(server.id) || this.queue.pending(server.id, record.id)?.action === 'load');
        for (let missing = replicas - holding.length; missing > 0 && loads.length < this.options.maxLoadsPerRun; missing--) {
          const target = this.chooseServer(snapshot, tierServers, record);
          if (target === undefined) break;
          snapshot.noteAssigned(target.id, record);
          loads.push(this.queue.load(target, record, (error) => this.options.log.warn({ err: error, segment: record.id, server: target.id }, 'segment load failed; will retry next run')));
        }
      }
    }
    return loads;
  }

  /** A server of the tier without the segment, with room: one holding its file, else the cheapest. */
  private chooseServer(snapshot: ClusterSnapshot, tierServers: readonly HistoricalServer[], record: SegmentRecord): HistoricalServer | undefined {
    const eligible = tierServers.filter(
      (server) =>
        !snapshot.holders.get(record.id)?.has(server.id) &&
        this.queue.pending(server.id, record.id) === undefined &&
        this.queue.hasRoom(server.id) &&
        snapshot.fits(server, record),
    );
    const withFile = eligible.find((server) => server.cachedIds().includes(record.id));
    if (withFile !== undefined) return withFile;
    let best: HistoricalServer | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const server of eligible) {
      const cost = snapshot.cost(server, record);
      if (cost < bestCost) {
        best = server;
        bestCost = cost;
      }
    }
    return best;
  }

  /** Drop replicas that are not used, that no rule keeps on their tier, or past the replica count. */
  private async dropSurplus(snapshot: ClusterSnapshot, used: ReadonlyMap<string, SegmentRecord>, nowMs: number): Promise<number> {
    const drops: Promise<boolean>[] = [];
    const drop = (server: HistoricalServer, segmentId: string): void => {
      if (this.queue.pending(server.id, segmentId) !== undefined) return;
      drops.push(this.queue.drop(server, segmentId, (error) => this.options.log.warn({ err: error, segment: segmentId, server: server.id }, 'segment drop failed; will retry next run')));
    };
    for (const server of snapshot.servers()) {
      for (const segmentId of server.cachedIds()) if (!used.has(segmentId)) drop(server, segmentId);
    }
    for (const [segmentId, holders] of snapshot.holders) {
      const record = used.get(segmentId);
      const servers = [...holders].map((id) => snapshot.serversById.get(id)!);
      if (record === undefined) {
        for (const server of servers) drop(server, segmentId);
        continue;
      }
      const wanted = this.replicantsOf(record, nowMs);
      for (const tier of new Set(servers.map((server) => server.tier))) {
        // Fullest first: surplus replicas (e.g. after a balancing move) leave the busiest servers.
        const inTier = servers.filter((server) => server.tier === tier).sort((a, b) => snapshot.bytesOf(b.id) / b.maxSizeBytes - snapshot.bytesOf(a.id) / a.maxSizeBytes);
        const keep = wanted[tier] ?? 0;
        for (const server of inTier.slice(keep)) drop(server, segmentId);
      }
    }
    return (await Promise.all(drops)).filter(Boolean).length;
  }

  /** Per tier, copy a few segments from the fullest to the emptiest server when they differ enough. */
  private balance(snapshot: ClusterSnapshot, used: ReadonlyMap<string, SegmentRecord>, nowMs: number): void {
    const maxMoves = this.options.maxSegmentsToMove ?? 5;
    if (maxMoves === 0) return;
    const tiers = new Set(snapshot.servers().map((server) => server.tier));
    for (const tier of tiers) {
      const servers = snapshot.servers().filter((server) => server.tier === tier);
      if (servers.length < 2) continue;
      for (let move = 0; move < maxMoves; move++) {
        const ratio = (server: HistoricalServer): number => snapshot.bytesOf(server.id) / Math.max(1, server.maxSizeBytes);
        servers.sort((a, b) => ratio(b) - ratio(a));
        const fullest = servers[0]!;
        const emptiest = servers[servers.length - 1]!;
        const candidate = this.moveCandidate(snapshot, fullest, emptiest, used, nowMs);
        // Move only when it narrows the gap: the gap must exceed the segment moved.
        if (candidate === undefined || snapshot.bytesOf(fullest.id) - snapshot.bytesOf(emptiest.id) <= 2 * candidate.sizeBytes) break;
        if (!this.queue.hasRoom(emptiest.id) || !snapshot.fits(emptiest, candidate)) break;
        snapshot.noteAssigned(emptiest.id, candidate);
        void this.queue.load(emptiest, candidate, (error) => this.options.log.warn({ err: error, segment: candidate.id }, 'balancing load failed'));
      }
    }
  }

  /** A fully replicated segment of the fullest server, not on the emptiest, most crowded there first. */
  private moveCandidate(snapshot: ClusterSnapshot, from: HistoricalServer, to: HistoricalServer, used: ReadonlyMap<string, SegmentRecord>, nowMs: number): SegmentRecord | undefined {
    let best: SegmentRecord | undefined;
    let bestCost = Number.NEGATIVE_INFINITY;
    for (const record of from.served()) {
      if (!used.has(record.id) || snapshot.holders.get(record.id)?.has(to.id) || this.queue.pending(to.id, record.id) !== undefined) continue;
      const wanted = this.replicantsOf(record, nowMs)[from.tier] ?? 0;
      if ((snapshot.holders.get(record.id)?.size ?? 0) > wanted) continue; // a move already in progress
      const cost = snapshot.cost(from, record) - snapshot.cost(to, record);
      if (cost > bestCost) {
        best = record;
        bestCost = cost;
      }
    }
    return best;
  }
}
