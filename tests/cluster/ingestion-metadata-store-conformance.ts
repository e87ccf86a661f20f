// Conformance suite for IngestionMetadataStore: run against every implementation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { segmentRecord } from './segment-record-fixture.js';

type Store = MetadataStore & IngestionMetadataStore;
const hourMs = 3_600_000;

export function ingestionMetadataStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name} (ingestion metadata)`, () => {
    it('publishes segments with offsets only when the start offsets match the committed ones', async () => {
      const store = await open();
      try {
        assert.equal(await store.committedOffsets('wiki'), null);
        const first = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
        await store.publishSegmentsWithOffsets([first], 'wiki', { 'edits:0': 0, 'edits:1': 0 }, { 'edits:0': 10, 'edits:1': 7 });
        assert.deepEqual(await store.committedOffsets('wiki'), { 'edits:0': 10, 'edits:1': 7 });

        // A replayed or competing publish from the old start changes nothing, not even its segments.
        const duplicate = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1', partition: 1 });
        await assert.rejects(
          store.publishSegmentsWithOffsets([duplicate], 'wiki', { 'edits:0': 0 }, { 'edits:0': 10 }),
          (error: unknown) => (error as { code?: string }).code === 'conflict',
        );
        assert.deepEqual((await store.usedSegments()).map((segment) => segment.id), [first.id]);

        const second = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
        await store.publishSegmentsWithOffsets([second], 'wiki', { 'edits:0': 10 }, { 'edits:0': 25 });
        assert.deepEqual(await store.committedOffsets('wiki'), { 'edits:0': 25, 'edits:1': 7 });
        // Other supervisors have their own offsets.
        assert.equal(await store.committedOffsets('other'), null);

        await store.resetOffsets('wiki', { author: 'ops', comment: 'retention deleted offsets' });
        assert.equal(await store.committedOffsets('wiki'), null);
        const audit = await store.auditLog('supervisor:wiki');
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.type, 'reset');
        assert.equal(audit[0]!.author, 'ops');
        assert.deepEqual(audit[0]!.payload, { previousOffsets: { 'edits:0': 25, 'edits:1': 7 } });
      } finally {
        await store.close();
      }
    });

    it('stores supervisors and configs, and kills only unused segments', async () => {
      const store = await open();
      try {
        const record = { id: 'wiki', dataSource: 'wikipedia', type: 'kafka', spec: { a: 1 }, state: 'RUNNING' as const, createdMs: 1, updatedMs: 1 };
        await store.upsertSupervisor(record);
        await store.upsertSupervisor({ ...record, state: 'SUSPENDED', updatedMs: 2 });
        assert.deepEqual(await store.supervisors(), [{ ...record, state: 'SUSPENDED', updatedMs: 2 }]);
        assert.equal(await store.supervisor('missing'), undefined);

        assert.equal(await store.config('compaction'), undefined);
        await store.setConfig('compaction', { wikipedia: { skipOffsetFromLatest: 'P1D' } }, { author: 'me', comment: '' });
        assert.deepEqual(await store.config('compaction'), { wikipedia: { skipOffsetFromLatest: 'P1D' } });
        assert.equal((await store.auditLog('config:compaction')).length, 1);

        const used = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
        const retired = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
        await store.publishSegments([used, retired]);
        await store.markUnused([retired.id]);
        await assert.rejects(store.deleteUnusedSegments([used.id, retired.id]), (error: unknown) => (error as { code?: string }).code === 'conflict');
        assert.equal((await store.allSegments(used.dataSource)).length, 2);
        assert.equal(await store.deleteUnusedSegments([retired.id]), 1);
        assert.deepEqual((await store.allSegments(used.dataSource)).map((segment) => segment.id), [used.id]);
      } finally {
        await store.close();
      }
    });
  });
}
