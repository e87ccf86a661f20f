// Discovery on ZooKeeper. Layout under the base path:
//   servers/{serverId}                    ephemeral, data: ServerAnnouncement JSON
//   segments/{serverId}/{segmentId}       ephemeral, data: SegmentRecord JSON
//   leaders/{name}                        ephemeral, data: the leading candidate's id
// Ephemeral nodes die with the session, so a killed server's announcements vanish by themselves.
// What this process announced is also kept locally and written again after every reconnection
// (a new session, or a ZooKeeper that lost its data), so announcements survive session loss.
import type { Discovery, DiscoveryListener, ServerAnnouncement, ServerRole } from './discovery.js';
import { DiscoveryView } from './discovery-view.js';
import type { Logger } from './logger.js';
import type { SegmentRecord } from './metadata-store.js';
import { ZookeeperSession, type ZookeeperWatcher } from './zookeeper-session.js';

export interface ZookeeperDiscoveryOptions {
  readonly connectString: string;
  /** Root znode, e.g. "/sediment". */
  readonly basePath: string;
  readonly sessionTimeoutMs: number;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

interface Candidacy {
  readonly name: string;
  readonly candidateId: string;
  readonly onChange: (isLeader: boolean) => void;
  isLeader: boolean;
  withdrawn: boolean;
}

/** Segment data fetched at once per server during a resync, bounding requests in flight. */
const fetchConcurrency = 32;

export class ZookeeperDiscovery implements Discovery {
  private readonly session: ZookeeperSession;
  private readonly view = new DiscoveryView();
  private readonly ownServers = new Map<string, ServerAnnouncement>();
  private readonly ownSegments = new Map<string, Map<string, SegmentRecord>>();
  private readonly candidacies = new Set<Candidacy>();
  private readonly watchers = new Map<string, ZookeeperWatcher>();
  private readonly syncing = new Map<string, Promise<void>>();
  private readonly resyncAgain = new Set<string>();
  private closed = false;

  private constructor(private readonly options: ZookeeperDiscoveryOptions) {
    this.session = new ZookeeperSession(options.connectString, options.sessionTimeoutMs, options.log);
    this.session.on('connected', () => void this.onConnected());
    this.session.on('sessionLost', () => this.onSessionLost());
  }

  /** Connects, creates the base layout and loads the current picture before resolving. */
  static async open(options: ZookeeperDiscoveryOptions): Promise<ZookeeperDiscovery> {
    const discovery = new ZookeeperDiscovery(options);
    await discovery.session.start();
    await discovery.onConnected();
    return discovery;
  }

  private path(...parts: string[]): string {
    return [this.options.basePath, ...parts.map((part) => encodeURIComponent(part))].join('/');
  }

  async announceServer(server: ServerAnnouncement): Promise<void> {
    this.ownServers.set(server.id, server);
    if (!this.ownSegments.has(server.id)) this.ownSegments.set(server.id, new Map());
    await this.bestEffort(() => this.writeServer(server), 'announce server');
  }

  async unannounceServer(serverId: string): Promise<void> {
    const segments = this.ownSegments.get(serverId);
    this.ownServers.delete(serverId);
    this.ownSegments.delete(serverId);
    await this.bestEffort(async () => {
      for (const segmentId of segments?.keys() ?? []) await this.session.remove(this.path('segments', serverId, segmentId));
      await this.session.remove(this.path('servers', serverId));
    }, 'unannounce server');
  }

  async announceSegment(serverId: string, record: SegmentRecord): Promise<void> {
    let segments = this.ownSegments.get(serverId);
    if (segments === undefined) {
      segments = new Map();
      this.ownSegments.set(serverId, segments);
    }
    segments.set(record.id, record);
    await this.bestEffort(() => this.writeEphemeral(this.path('segments', serverId, record.id), record), 'announce segment');
  }

  async unannounceSegment(serverId: string, segmentId: string): Promise<void> {
    this.ownSegments.get(serverId)?.delete(segmentId);
    await this.bestEffort(() => this.session.remove(this.path('segments', serverId, segmentId)), 'unannounce segment');
  }

  watch(listener: DiscoveryListener): () => void {
    return this.view.watch(listener);
  }

  servers(role?: ServerRole): ServerAnnouncement[] {
    return this.view.servers(role);
  }

  segmentsOf(serverId: string): SegmentRecord[] {
    return this.view.segmentsOf(serverId);
  }

  elect(name: string, candidateId: string, onChange: (isLeader: boolean) => void): () => void {
    const candidacy: Candidacy = { name, candidateId, onChange, isLeader: false, withdrawn: false };
    this.candidacies.add(candidacy);
    void this.contend(candidacy);
    return () => {
      candidacy.withdrawn = true;
      this.candidacies.delete(candidacy);
      if (candidacy.isLeader) {
        candidacy.isLeader = false;
        onChange(false);
        void this.bestEffort(() => this.session.remove(this.path('leaders', name)), 'resign leadership');
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const candidacy of [...this.candidacies]) {
      candidacy.withdrawn = true;
      if (candidacy.isLeader) await this.bestEffort(() => this.session.remove(this.path('leaders', candidacy.name)), 'resign leadership');
    }
    for (const serverId of [...this.ownServers.keys()]) await this.unannounceServer(serverId);
    this.session.close();
  }

  /** Announcements must not fail the caller's work: failures are logged and repaired on reconnection. */
  private async bestEffort(write: () => Promise<void>, what: string): Promise<void> {
    if (this.closed) return;
    try {
      await write();
    } catch (error) {
      this.options.log.warn({ err: error }, `ZooKeeper: ${what} failed; retried when the connection is back`);
    }
  }

  private async writeServer(server: ServerAnnouncement): Promise<void> {
    await this.session.mkdirp(this.path('segments', server.id));
    await this.writeEphemeral(this.path('servers', server.id), server);
  }

  /**
   * Create an ephemeral node owned by the current session. A node left by an earlier session of
   * ours that the server has not expired yet would vanish when it does, so it is replaced.
   */
  private async writeEphemeral(path: string, value: unknown): Promise<void> {
    const data = Buffer.from(JSON.stringify(value));
    if (await this.session.create(path, data, true)) return;
    const existing = await this.session.exists(path);
    if (existing !== null && existing.ephemeralOwner.equals(this.session.sessionId())) return;
    await this.session.remove(path);
    await this.session.create(path, data, true);
  }

  private async onConnected(): Promise<void> {
    if (this.closed) return;
    try {
      await this.session.mkdirp(this.path('servers'));
      await this.session.mkdirp(this.path('segments'));
      await this.session.mkdirp(this.path('leaders'));
      for (const server of this.ownServers.values()) await this.writeServer(server);
      for (const [serverId, segments] of this.ownSegments) {
        if (!this.ownServers.has(serverId)) continue;
        await inBatches([...segments.values()], fetchConcurrency, (record) => this.writeEphemeral(this.path('segments', serverId, record.id), record));
      }
      for (const candidacy of this.candidacies) void this.contend(candidacy);
      await this.resync(this.path('servers'), () => this.syncServers());
    } catch (error) {
      this.options.log.warn({ err: error }, 'ZooKeeper: resynchronising after connection failed; retried at the next connection');
    }
  }

  private onSessionLost(): void {
    for (const candidacy of this.candidacies) {
      if (!candidacy.isLeader) continue;
      candidacy.isLeader = false;
      candidacy.onChange(false);
    }
  }

  /** Runs `sync` for a path, never twice at once; a trigger during a run runs it once more after. */
  private resync(path: string, sync: () => Promise<void>): Promise<void> {
    const running = this.syncing.get(path);
    if (running !== undefined) {
      this.resyncAgain.add(path);
      return running;
    }
    const run = (async () => {
      do {
        this.resyncAgain.delete(path);
        try {
          await sync();
        } catch (error) {
          if (!this.closed) this.options.log.warn({ err: error, path }, 'ZooKeeper: watch resync failed; retried at the next change or connection');
        }
      } while (this.resyncAgain.has(path) && !this.closed);
    })().finally(() => this.syncing.delete(path));
    this.syncing.set(path, run);
    return run;
  }

  /** One watcher function per path, so re-registering after a reconnection never piles up duplicates. */
  private watcherFor(path: string, sync: () => Promise<void>): ZookeeperWatcher {
    let watcher = this.watchers.get(path);
    if (watcher === undefined) {
      watcher = () => {
        if (!this.closed) void this.resync(path, sync);
      };
      this.watchers.set(path, watcher);
    }
    return watcher;
  }

  private async syncServers(): Promise<void> {
    const path = this.path('servers');
    const children = (await this.session.children(path, this.watcherFor(path, () => this.syncServers()))) ?? [];
    const present = new Set(children.map((child) => decodeURIComponent(child)));
    for (const server of this.view.servers()) if (!present.has(server.id)) this.view.removeServer(server.id);
    for (const serverId of present) {
      if (this.view.server(serverId) !== undefined) {
        void this.resync(this.path('segments', serverId), () => this.syncSegments(serverId));
        continue;
      }
      const node = await this.session.data(this.path('servers', serverId));
      if (node === null) continue;
      this.view.addServer(JSON.parse(node.data.toString('utf8')) as ServerAnnouncement);
      await this.resync(this.path('segments', serverId), () => this.syncSegments(serverId));
    }
  }

  private async syncSegments(serverId: string): Promise<void> {
    if (this.view.server(serverId) === undefined) return;
    const path = this.path('segments', serverId);
    const children = (await this.session.children(path, this.watcherFor(path, () => this.syncSegments(serverId)))) ?? [];
    const present = new Set(children.map((child) => decodeURIComponent(child)));
    for (const segmentId of this.view.segmentIdsOf(serverId)) if (!present.has(segmentId)) this.view.removeSegment(serverId, segmentId);
    const added = [...present].filter((segmentId) => !this.view.hasSegment(serverId, segmentId));
    await inBatches(added, fetchConcurrency, async (segmentId) => {
      const node = await this.session.data(this.path('segments', serverId, segmentId));
      if (node !== null && this.view.server(serverId) !== undefined) this.view.addSegment(serverId, JSON.parse(node.data.toString('utf8')) as SegmentRecord);
    });
  }

  /** Create the leader node, or watch whoever holds it and try again when it goes. */
  private async contend(candidacy: Candidacy): Promise<void> {
    if (candidacy.withdrawn || this.closed) return;
    const path = this.path('leaders', candidacy.name);
    try {
      await this.writeLeaderIfFree(path, candidacy.candidateId);
      const node = await this.session.data(path);
      const leads = node !== null && node.data.toString('utf8') === candidacy.candidateId && node.stat.ephemeralOwner.equals(this.session.sessionId());
      if (leads !== candidacy.isLeader && !candidacy.withdrawn) {
        candidacy.isLeader = leads;
        candidacy.onChange(leads);
      }
      if (!leads) {
        const stat = await this.session.exists(path, () => void this.contend(candidacy));
        if (stat === null) void this.contend(candidacy);
      }
    } catch (error) {
      this.options.log.warn({ err: error, leadership: candidacy.name }, 'ZooKeeper: leader election failed; retried at the next connection');
    }
  }

  private async writeLeaderIfFree(path: string, candidateId: string): Promise<void> {
    if (await this.session.create(path, Buffer.from(candidateId), true)) return;
    const node = await this.session.data(path);
    // Our own node from an earlier session: take it over rather than wait for it to expire.
    if (node !== null && node.data.toString('utf8') === candidateId && !node.stat.ephemeralOwner.equals(this.session.sessionId())) {
      await this.session.remove(path);
      await this.session.create(path, Buffer.from(candidateId), true);
    }
  }
}

async function inBatches<Item>(items: readonly Item[], concurrency: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
