// A coordinator run over 100,000 used segments on three simulated historicals (rules, placement,
// replica counting), timed: the steady-state run (everything placed) must stay well under a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { Coordinator } from '../../coordinator/coordinator.js';
import type { HistoricalServer } from '../../coordinator/historical-server.js';
import { segmentRecord } from '../cluster/segment-record-fixture.js';

const hourMs = 3_600_000;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function simulatedHistorical(id: string): HistoricalServer & { readonly segments: Map<string, SegmentRecord> } {
  const segments = new Map<string, SegmentRecord>();
  return {
    id,
    tier: '_default_tier',
    maxSizeBytes: 1e15,
    segments,
    served: () => [...segments.values()],
    cachedIds: () => [],
    load: async (record) => void segments.set(record.id, record),
    drop: async (segmentId) => void segments.delete(segmentId),
  };
}

test('a coordinator run over 100,000 segments', async () => {
  const records = Array.from({ length: 100_000 }, (_, hour) => segmentRecord({ dataSource: `ds${hour % 10}`, startMs: hour * hourMs, endMs: (hour + 1) * hourMs, version: 'v1', sizeBytes: 1_000_000 }));
  const store = { usedSegments: async () => records, markUnused: async () => 0, segmentsChangedSince: async () => [] } as unknown as MetadataStore;
  const servers = [simulatedHistorical('h1'), simulatedHistorical('h2'), simulatedHistorical('h3')];
  const coordinator = new Coordinator(store, { historicals: () => servers }, { periodMs: 1_000, maxLoadsPerRun: 1_000_000, maxLoadQueueLength: 1_000_000, maxSegmentsToMove: 5, log: quiet });
  let startedMs = performance.now();
  const first = await coordinator.runOnce();
  const firstRunMs = performance.now() - startedMs;
  assert.equal(first.loaded, 200_000); // two replicas each (the default rule)
  startedMs = performance.now();
  const steady = await coordinator.runOnce();
  const steadyRunMs = performance.now() - startedMs;
  assert.deepEqual(steady, { loaded: 0, dropped: 0, markedUnused: 0 });
  const sizes = servers.map((server) => server.segments.size);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 200_000);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 2, `balanced placement, got ${sizes.join('/')}`);
  process.stdout.write(`# coordinator at 100,000 segments: first run (placing 200,000 replicas) ${firstRunMs.toFixed(0)} ms, steady run ${steadyRunMs.toFixed(0)} ms\n`);
  assert.ok(steadyRunMs < 5_000);
});
