// Tells the cluster what a realtime server serves: its server announcement, then one segment
// announcement per queryable realtime piece as the tasks add and withdraw them.
//
// A piece withdrawn because a historical now serves its segment (handoff) stays announced a little
// longer: brokers hear the historical's announcement and the withdrawal on different ZooKeeper
// paths, possibly in either order, and a broker that heard the withdrawal first would read neither
// copy. Meanwhile a broker still routing to the piece gets it reported missing and reads the
// handed-off segment instead. Pieces withdrawn for any other reason go at once.
import type { Discovery, ServerAnnouncement } from '../../cluster/discovery.js';
import type { Logger } from '../../cluster/logger.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import { finalSegmentIdOf } from '../../broker/realtime-piece-id.js';
import type { RealtimeSegments } from '../../realtime/stream/realtime-segments.js';

export interface RealtimePieceAnnouncerOptions {
  /** Whether a historical serves the segment with this id now. */
  readonly servedByHistorical: (segmentId: string) => boolean;
  /** How long a handed-off piece stays announced after its withdrawal. */
  readonly handoffGraceMs: number;
  readonly log: Pick<Logger, 'warn'>;
}

export class RealtimePieceAnnouncer {
  private readonly announced = new Set<string>();
  private readonly pendingWithdrawals = new Map<string, NodeJS.Timeout>();
  private readonly onAdded = (record: SegmentRecord): void => this.announce(record);
  private readonly onRemoved = (record: SegmentRecord): void => this.withdraw(record.id);

  constructor(
    private readonly discovery: Discovery,
    private readonly pieces: RealtimeSegments,
    private readonly server: ServerAnnouncement,
    private readonly options: RealtimePieceAnnouncerOptions,
  ) {}

  /** Announce the server and every piece served now, then follow changes. */
  async start(): Promise<void> {
    this.pieces.on('added', this.onAdded);
    this.pieces.on('removed', this.onRemoved);
    await this.discovery.announceServer(this.server);
    for (const record of this.pieces.records()) this.announce(record);
  }

  private announce(record: SegmentRecord): void {
    const pending = this.pendingWithdrawals.get(record.id);
    if (pending !== undefined) {
      clearTimeout(pending);
      this.pendingWithdrawals.delete(record.id);
    }
    // A re-announcement (a piece persisted, or its schema grew) keeps the id, interval and version.
    if (this.announced.has(record.id)) return;
    this.announced.add(record.id);
    this.report(this.discovery.announceSegment(this.server.id, record), 'announce');
  }

  private withdraw(segmentId: string): void {
    if (!this.announced.has(segmentId) || this.pendingWithdrawals.has(segmentId)) return;
    const finalId = finalSegmentIdOf(segmentId);
    if (finalId === null || !this.options.servedByHistorical(finalId)) {
      this.unannounce(segmentId);
      return;
    }
    const timer = setTimeout(() => {
      this.pendingWithdrawals.delete(segmentId);
      this.unannounce(segmentId);
    }, this.options.handoffGraceMs);
    timer.unref();
    this.pendingWithdrawals.set(segmentId, timer);
  }

  private unannounce(segmentId: string): void {
    this.announced.delete(segmentId);
    this.report(this.discovery.unannounceSegment(this.server.id, segmentId), 'unannounce');
  }

  private report(write: Promise<void>, what: string): void {
    write.catch((error: unknown) => this.options.log.warn({ err: error, server: this.server.id }, `realtime piece ${what} failed`));
  }

  /** Stop following the pieces and withdraw the server with every piece it announced. */
  async stop(): Promise<void> {
    this.pieces.off('added', this.onAdded);
    this.pieces.off('removed', this.onRemoved);
    for (const timer of this.pendingWithdrawals.values()) clearTimeout(timer);
    this.pendingWithdrawals.clear();
    this.announced.clear();
    await this.discovery.unannounceServer(this.server.id);
  }
}
