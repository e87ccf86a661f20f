// The historicals of a cluster as the coordinator sees them: live ones from discovery, what they
// serve from their segment announcements, loads and drops as HTTP requests to their internal API
// (Druid's HTTP load queue: the response arrives when the load is done).
import type { Discovery, ServerAnnouncement } from '../cluster/discovery.js';
import { SedimentError } from '../cluster/errors.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { HistoricalServer, ServerInventory } from './historical-server.js';

/** Downloads of large segments take long; a load that runs past this is considered failed. */
const loadTimeoutMs = 15 * 60_000;
const dropTimeoutMs = 60_000;
const loadPath = '/druid-internal/v1/segments/load';
const dropPath = '/druid-internal/v1/segments/drop';

export class RemoteHistoricals implements ServerInventory {
  constructor(private readonly discovery: Discovery) {}

  historicals(): HistoricalServer[] {
    return this.discovery.servers('historical').map((server) => this.remote(server));
  }

  private remote(server: ServerAnnouncement): HistoricalServer {
    const url = `http://${server.host}:${server.port}`;
    return {
      id: server.id,
      tier: server.tier,
      maxSizeBytes: server.maxSizeBytes,
      served: () => this.discovery.segmentsOf(server.id),
      cachedIds: () => [],
      load: async (record: SegmentRecord) => postJson(`${url}${loadPath}`, { record }, loadTimeoutMs),
      drop: async (segmentId: string) => postJson(`${url}${dropPath}`, { segmentId }, dropTimeoutMs),
    };
  }
}

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.ok) {
    await response.arrayBuffer();
    return;
  }
  const text = await response.text();
  throw new SedimentError('internal', `${url} answered ${response.status}: ${text.slice(0, 500)}`);
}
