// Tells the cluster what a historical serves: its server announcement, then one announcement per
// segment as the segment manager adds and removes them. Started before the cache is served again
// at start-up, so segments kept from a previous run are announced without any download.
import type { Discovery, ServerAnnouncement } from '../cluster/discovery.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { SegmentManager } from './segment-manager.js';

/** Cached segments served again at once at start-up; opening is cheap, verification reads the file. */
const reloadConcurrency = 4;

export class SegmentAnnouncer {
  private readonly onAdded = (record: SegmentRecord): void => void this.discovery.announceSegment(this.server.id, record);
  private readonly onRemoved = (record: SegmentRecord): void => void this.discovery.unannounceSegment(this.server.id, record.id);

  constructor(
    private readonly discovery: Discovery,
    private readonly manager: SegmentManager,
    private readonly server: ServerAnnouncement,
  ) {}

  /** Announce the server and every served segment, follow changes, then serve the cached segments again. */
  async start(): Promise<void> {
    this.manager.on('added', this.onAdded);
    this.manager.on('removed', this.onRemoved);
    await this.discovery.announceServer(this.server);
    for (const { record } of this.manager.served()) await this.discovery.announceSegment(this.server.id, record);
    await this.serveCached();
  }

  private async serveCached(): Promise<void> {
    const records = this.manager.cachedRecordsNotServed();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < records.length) {
        const record = records[next++]!;
        // A file that no longer verifies is re-fetched by load(); a failure leaves it to the coordinator.
        await this.manager.load(record).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(reloadConcurrency, records.length) }, worker));
  }

  async stop(): Promise<void> {
    this.manager.off('added', this.onAdded);
    this.manager.off('removed', this.onRemoved);
    await this.discovery.unannounceServer(this.server.id);
  }
}
