// A ZooKeeper session that survives expiry: node-zookeeper-client (typed here for the calls we use)
// reconnects within a session by itself, but an expired session — or a connection lost for longer
// than the session timeout, which includes a ZooKeeper that came back with fresh data and refuses
// the old session — needs a new client. Listeners hear 'connected' after every (re)connection and
// 'sessionLost' when the ephemeral nodes of the previous session must be presumed gone.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Logger } from './logger.js';

interface ZookeeperStat {
  readonly ephemeralOwner: Buffer;
}
interface ZookeeperException extends Error {
  getCode(): number;
}
type Callback<Result> = (error: ZookeeperException | null, result: Result, stat?: ZookeeperStat) => void;
type Watcher = (event: { getType(): number; getPath(): string }) => void;

interface ZookeeperClient extends EventEmitter {
  connect(): void;
  close(): void;
  getSessionId(): Buffer;
  create(path: string, data: Buffer | null, mode: number, callback: Callback<string>): void;
  mkdirp(path: string, callback: Callback<string>): void;
  remove(path: string, version: number, callback: (error: ZookeeperException | null) => void): void;
  exists(path: string, watcher: Watcher | undefined, callback: Callback<ZookeeperStat | null>): void;
  getChildren(path: string, watcher: Watcher | undefined, callback: Callback<string[]>): void;
  getData(path: string, watcher: Watcher | undefined, callback: (error: ZookeeperException | null, data: Buffer | undefined, stat: ZookeeperStat) => void): void;
}
interface ZookeeperModule {
  createClient(connectString: string, options: { sessionTimeout: number; spinDelay: number; retries: number }): ZookeeperClient;
  State: { SYNC_CONNECTED: unknown; DISCONNECTED: unknown; EXPIRED: unknown };
  CreateMode: { PERSISTENT: number; EPHEMERAL: number };
  Exception: { NO_NODE: number; NODE_EXISTS: number };
}
export type ZookeeperWatcher = Watcher;

const zookeeper = createRequire(import.meta.url)('node-zookeeper-client') as ZookeeperModule;
/** A request that gets no answer this long fails, so a caller never hangs on a dead connection. */
const requestTimeoutMs = 10_000;

interface SessionEvents {
  connected: [];
  sessionLost: [];
}

export class ZookeeperSession extends EventEmitter<SessionEvents> {
  private client: ZookeeperClient;
  private connectedNow = false;
  private lostTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly connectString: string,
    private readonly sessionTimeoutMs: number,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {
    super();
    this.client = this.newClient();
  }

  /** Resolves at the first connection, or rejects after `timeoutMs`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.connectedNow) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ZooKeeper ${this.connectString} not reachable within ${timeoutMs} ms`)), timeoutMs);
      this.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get isConnected(): boolean {
    return this.connectedNow;
  }

  sessionId(): Buffer {
    return this.client.getSessionId();
  }

  close(): void {
    this.closed = true;
    if (this.lostTimer !== null) clearTimeout(this.lostTimer);
    this.client.close();
  }

  private newClient(): ZookeeperClient {
    const client = zookeeper.createClient(this.connectString, { sessionTimeout: this.sessionTimeoutMs, spinDelay: 500, retries: 1 });
    client.on('state', (state: unknown) => {
      if (client !== this.client || this.closed) return;
      if (state === zookeeper.State.SYNC_CONNECTED) this.onConnected();
      else if (state === zookeeper.State.DISCONNECTED) this.onDisconnected();
      else if (state === zookeeper.State.EXPIRED) this.renew('session expired');
    });
    client.connect();
    return client;
  }

  private onConnected(): void {
    this.connectedNow = true;
    if (this.lostTimer !== null) clearTimeout(this.lostTimer);
    this.lostTimer = null;
    this.emit('connected');
  }

  private onDisconnected(): void {
    this.connectedNow = false;
    this.log.warn({ zookeeper: this.connectString }, 'ZooKeeper connection lost; reconnecting');
    if (this.lostTimer !== null) return;
    // Past the session timeout the server has expired us (or never knew us): start over.
    this.lostTimer = setTimeout(() => this.renew('disconnected for longer than the session timeout'), this.sessionTimeoutMs);
    this.lostTimer.unref();
  }

  private renew(reason: string): void {
    if (this.closed) return;
    this.log.warn({ zookeeper: this.connectString, reason }, 'ZooKeeper session lost; opening a new one and announcing again');
    if (this.lostTimer !== null) clearTimeout(this.lostTimer);
    this.lostTimer = null;
    this.connectedNow = false;
    const old = this.client;
    this.client = this.newClient();
    old.removeAllListeners('state');
    old.close();
    this.emit('sessionLost');
  }

  /** Create a node; false if it already existed. */
  create(path: string, data: Buffer | null, ephemeral: boolean): Promise<boolean> {
    const mode = ephemeral ? zookeeper.CreateMode.EPHEMERAL : zookeeper.CreateMode.PERSISTENT;
    return this.request<boolean>((done) =>
      this.client.create(path, data, mode, (error) => {
        if (error !== null && error.getCode?.() === zookeeper.Exception.NODE_EXISTS) done(null, false);
        else done(error, true);
      }),
    );
  }

  mkdirp(path: string): Promise<void> {
    return this.request<void>((done) => this.client.mkdirp(path, (error) => done(error, undefined)));
  }

  /** Delete a node; a missing node is not an error. */
  remove(path: string): Promise<void> {
    return this.request<void>((done) =>
      this.client.remove(path, -1, (error) => done(error !== null && error.getCode?.() === zookeeper.Exception.NO_NODE ? null : error, undefined)),
    );
  }

  /** The node's stat, or null if absent; the watcher fires once on its creation, deletion or change. */
  exists(path: string, watcher?: Watcher): Promise<ZookeeperStat | null> {
    return this.request<ZookeeperStat | null>((done) => this.client.exists(path, watcher, (error, stat) => done(error, stat ?? null)));
  }

  /** Children names, or null if the node is absent. */
  children(path: string, watcher?: Watcher): Promise<string[] | null> {
    return this.request<string[] | null>((done) =>
      this.client.getChildren(path, watcher, (error, children) => {
        if (error !== null && error.getCode?.() === zookeeper.Exception.NO_NODE) done(null, null);
        else done(error, children);
      }),
    );
  }

  /** Data and stat, or null if the node is absent. */
  data(path: string): Promise<{ data: Buffer; stat: ZookeeperStat } | null> {
    return this.request<{ data: Buffer; stat: ZookeeperStat } | null>((done) =>
      this.client.getData(path, undefined, (error, data, stat) => {
        if (error !== null && error.getCode?.() === zookeeper.Exception.NO_NODE) done(null, null);
        else done(error, { data: data ?? Buffer.alloc(0), stat });
      }),
    );
  }

  private request<Result>(call: (done: (error: Error | null, result: Result) => void) => void): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => finish(new Error(`ZooKeeper request timed out after ${requestTimeoutMs} ms`), undefined as Result), requestTimeoutMs);
      const finish = (error: Error | null, result: Result): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error !== null) reject(error);
        else resolve(result);
      };
      call(finish);
    });
  }
}
