// Loads and drops the coordinator has asked for and not yet seen finish, per historical. Bounded:
// at most `maxLength` waiting or running per server (assignments past it wait for a later run),
// and `concurrency` running per server at once.
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { HistoricalServer } from './historical-server.js';

export interface QueuedChange {
  readonly action: 'load' | 'drop';
  readonly segmentId: string;
  readonly sizeBytes: number;
}

interface ServerQueue {
  readonly changes: Map<string, QueuedChange>;
  running: number;
  /** FIFO of changes waiting to run; `head` indexes the next one (no O(n) shift). */
  waiting: (() => void)[];
  head: number;
  loadBytes: number;
}

export class LoadQueue {
  private readonly queues = new Map<string, ServerQueue>();

  constructor(
    private readonly maxLength: number,
    private readonly concurrency: number,
  ) {}

  /** Whether the server can take another change now. */
  hasRoom(serverId: string): boolean {
    return (this.queues.get(serverId)?.changes.size ?? 0) < this.maxLength;
  }

  /** The change queued for a segment on a server, if any. */
  pending(serverId: string, segmentId: string): QueuedChange | undefined {
    return this.queues.get(serverId)?.changes.get(segmentId);
  }

  /** Bytes of loads queued on a server. */
  pendingLoadBytes(serverId: string): number {
    return this.queues.get(serverId)?.loadBytes ?? 0;
  }

  /** Every server's queued changes. */
  snapshot(): Map<string, QueuedChange[]> {
    const result = new Map<string, QueuedChange[]>();
    for (const [serverId, queue] of this.queues) result.set(serverId, [...queue.changes.values()]);
    return result;
  }

  /** Ids of segments with a load queued anywhere. */
  loadingIds(): Set<string> {
    const ids = new Set<string>();
    for (const queue of this.queues.values()) for (const change of queue.changes.values()) if (change.action === 'load') ids.add(change.segmentId);
    return ids;
  }

  /** Queue a load; resolves true when served, false when it failed (the caller logs `onError`). */
  load(server: HistoricalServer, record: SegmentRecord, onError: (error: unknown) => void): Promise<boolean> {
    return this.run(server.id, { action: 'load', segmentId: record.id, sizeBytes: record.sizeBytes }, () => server.load(record), onError);
  }

  drop(server: HistoricalServer, segmentId: string, onError: (error: unknown) => void): Promise<boolean> {
    return this.run(server.id, { action: 'drop', segmentId, sizeBytes: 0 }, () => server.drop(segmentId), onError);
  }

  /** Forget servers that left the cluster (their requests fail on their own). */
  retain(serverIds: ReadonlySet<string>): void {
    for (const [serverId, queue] of this.queues) if (!serverIds.has(serverId) && queue.changes.size === 0) this.queues.delete(serverId);
  }

  private async run(serverId: string, change: QueuedChange, work: () => Promise<void>, onError: (error: unknown) => void): Promise<boolean> {
    let queue = this.queues.get(serverId);
    if (queue === undefined) {
      queue = { changes: new Map(), running: 0, waiting: [], head: 0, loadBytes: 0 };
      this.queues.set(serverId, queue);
    }
    queue.changes.set(change.segmentId, change);
    if (change.action === 'load') queue.loadBytes += change.sizeBytes;
    if (queue.running >= this.concurrency) await new Promise<void>((resolve) => queue.waiting.push(resolve));
    queue.running++;
    try {
      await work();
      return true;
    } catch (error) {
      onError(error);
      return false;
    } finally {
      queue.running--;
      queue.changes.delete(change.segmentId);
      if (change.action === 'load') queue.loadBytes -= change.sizeBytes;
      const next = queue.waiting[queue.head];
      if (next !== undefined) {
        queue.waiting[queue.head++] = undefined as unknown as () => void;
        if (queue.head === queue.waiting.length) {
          queue.waiting = [];
          queue.head = 0;
        }
        next();
      }
    }
  }
}
