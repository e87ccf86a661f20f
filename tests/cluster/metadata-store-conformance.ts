// The behaviour every MetadataStore must share, as one suite run against each implementation
// (sqlite-metadata-store-conformance.test.ts, postgres-metadata-store.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../cluster/errors.js';
import type { ErrorCode } from '../../cluster/errors.js';
import type { MetadataStore, SegmentRecord, TaskRecord } from '../../cluster/metadata-store.js';
import { segmentRecord } from './segment-record-fixture.js';

/** The interface plus the incremental-polling methods both stores offer. */
export interface MetadataStoreUnderTest extends MetadataStore {
  segment(id: string): Promise<SegmentRecord | undefined>;
  segmentsChangedSince(sinceMs: number): Promise<SegmentRecord[]>;
}

/** A new, empty store location; `open` opens it, and opens it again after a close. */
export interface StoreLocation {
  open(): Promise<MetadataStoreUnderTest>;
}

const hourMs = 3_600_000;

export function metadataStoreConformance(name: string, newLocation: () => Promise<StoreLocation>): void {
  describe(`${name}: metadata store conformance`, () => {
    it('publishes and finds everything again after reopening', () => publishAndReopen(newLocation));
    it('leaves nothing behind when any part of a publish fails', () => failedPublishLeavesNothing(newLocation));
    it('keeps a large publish atomic', () => largePublishIsAtomic(newLocation));
    it('retires overshadowed segments in the publish; a retried identical publish is a no-op', () => retriesAndOvershadowing(newLocation));
    it('marks segments unused and forgets datasources with no used segment', () => usedAndUnused(newLocation));
    it('filters used segments by datasource and interval like a reference filter', () => intervalFilters(newLocation));
    it('orders text by UTF-8 bytes and stores awkward strings verbatim', () => byteOrderAndAwkwardStrings(newLocation));
    it('reports segments whose used status changed since a time', () => changedSince(newLocation));
    it('takes concurrent publishes, identical or not', () => concurrentPublishes(newLocation));
    it('stores, updates and lists tasks, and finds them after reopening', () => tasks(newLocation));
    it('rejects malformed records with the field path', () => malformedRecords(newLocation));
    it('publishes with a precondition only while the interval\'s used segments are as expected', () => conditionalPublish(newLocation));
  });
}

async function publishAndReopen(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const location = await newLocation();
  const store = await location.open();
  const segments = [
    segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1', sizeBytes: 123_456_789_012 }),
    segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1', partition: 1 }),
    segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' }),
    segmentRecord({ dataSource: 'other', startMs: -5 * hourMs, endMs: Date.UTC(2100, 0, 1), version: 'v1' }),
  ];
  await store.publishSegments(segments);
  await store.close();
  const reopened = await location.open();
  const found = await reopened.usedSegments();
  assert.deepEqual(found, sortedLikeStore(segments));
  for (const segment of segments) assert.deepEqual(await reopened.segment(segment.id), segment);
  assert.deepEqual(await reopened.dataSources(), ['other', 'wikipedia']);
  await reopened.close();
}

async function failedPublishLeavesNothing(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const old = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
  await store.publishSegments([old]);
  const fresh = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
  const clashing = { ...segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' }), deepStorageKey: 'elsewhere/segment.sdm' };
  await assertRejectsWith(store.publishSegments([fresh, clashing], [old.id]), 'conflict');
  const invalid = segmentRecord({ startMs: 5, endMs: 5, version: 'v3' });
  await assertRejectsWith(store.publishSegments([fresh, invalid], [old.id]), 'invalid_input', /segments\[1\]\.interval/);
  const otherInfo = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v9', rowCount: 1 });
  const sameIdDifferentInfo = { ...otherInfo, info: { ...otherInfo.info, rowCount: 2 } };
  await assertRejectsWith(store.publishSegments([fresh, otherInfo, sameIdDifferentInfo], [old.id]), 'conflict');
  assert.deepEqual(await store.allSegments('wikipedia'), [old]);
  assert.deepEqual(await store.segmentsChangedSince(0), [old]);
  await store.close();
}

async function largePublishIsAtomic(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const many = Array.from({ length: 5_000 }, (_, index) => segmentRecord({ startMs: index * hourMs, endMs: (index + 1) * hourMs, version: 'v1' }));
  const blocker = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
  await store.publishSegments([blocker]);
  // The clash is last, after thousands of good rows: none of them may remain.
  const clash = { ...blocker, deepStorageKey: 'different/segment.sdm' };
  await assertRejectsWith(store.publishSegments([...many, clash]), 'conflict');
  assert.deepEqual(await store.allSegments('wikipedia'), [blocker]);
  await store.publishSegments([...many, blocker]);
  assert.equal((await store.usedSegments('wikipedia')).length, many.length + 1);
  await store.close();
}

async function retriesAndOvershadowing(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const old = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
  const fresh = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });
  await store.publishSegments([old]);
  await store.publishSegments([fresh], [old.id]);
  await store.publishSegments([fresh, fresh], [old.id]);
  assert.deepEqual(ids(await store.usedSegments('wikipedia')), [fresh.id]);
  const all = await store.allSegments('wikipedia');
  assert.deepEqual(all.map((record) => [record.version, record.used]), [['v1', false], ['v2', true]]);
  // Re-publishing a retired segment is not a retry: it needs a new version.
  await assertRejectsWith(store.publishSegments([old]), 'conflict', /new version/);
  await store.close();
}

async function usedAndUnused(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const a = segmentRecord({ dataSource: 'a', startMs: 0, endMs: hourMs, version: 'v1' });
  const b1 = segmentRecord({ dataSource: 'b', startMs: 0, endMs: hourMs, version: 'v1' });
  const b2 = segmentRecord({ dataSource: 'b', startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
  await store.publishSegments([a, b1, b2]);
  assert.equal(await store.markUnused([]), 0);
  assert.equal(await store.markUnused([a.id, b1.id, b1.id, 'no-such-segment']), 2);
  assert.equal(await store.markUnused([a.id]), 0);
  assert.deepEqual(await store.dataSources(), ['b']);
  assert.deepEqual(ids(await store.usedSegments()), [b2.id]);
  assert.deepEqual(await store.allSegments('a'), [{ ...a, used: false }]);
  assert.deepEqual(await store.allSegments('b'), [{ ...b1, used: false }, b2]);
  assert.deepEqual(await store.allSegments('missing'), []);
  assert.equal((await store.segment(a.id))?.used, false);
  await store.close();
}

async function intervalFilters(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const random = seededRandom(11);
  const segments: SegmentRecord[] = [];
  for (let index = 0; index < 300; index++) {
    const startMs = (random(40) - 10) * hourMs;
    segments.push(segmentRecord({
      dataSource: ['a', 'b', 'c'][random(3)],
      startMs,
      endMs: startMs + (1 + random(6)) * hourMs,
      version: `v${random(5)}`,
      partition: index,
    }));
  }
  await store.publishSegments(segments);
  const unusedIds = new Set(segments.filter(() => random(4) === 0).map((record) => record.id));
  assert.equal(await store.markUnused([...unusedIds]), unusedIds.size);
  const used = segments.filter((record) => !unusedIds.has(record.id)).map((record) => ({ ...record, used: true }));
  for (let trial = 0; trial < 120; trial++) {
    // Whole hours hit the half-open boundaries exactly; the odd second lands inside segments.
    const startMs = (random(50) - 15) * hourMs + random(2) * 1000;
    const interval = { startMs, endMs: startMs + 1 + random(8 * hourMs) * random(2) + random(2) * hourMs };
    const dataSource = random(4) === 0 ? undefined : ['a', 'b', 'c', 'absent'][random(4)];
    const expected = used.filter(
      (record) =>
        (dataSource === undefined || record.dataSource === dataSource) &&
        record.interval.startMs < interval.endMs &&
        record.interval.endMs > interval.startMs,
    );
    assert.deepEqual(await store.usedSegments(dataSource, interval), sortedLikeStore(expected), `trial ${trial}`);
  }
  assert.deepEqual(await store.usedSegments('a'), sortedLikeStore(used.filter((record) => record.dataSource === 'a')));
  assert.deepEqual(await store.usedSegments(), sortedLikeStore(used));
  await store.close();
}

async function byteOrderAndAwkwardStrings(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const location = await newLocation();
  const store = await location.open();
  // 'B' < 'a' in bytes but not in most locales; U+FB00 < U+1F600 in UTF-8 bytes but not in UTF-16 units.
  const names = ['a', 'B', 'z', 'é', '\uFB00', '😀', 'with "quotes"', 'back\\slash', 'comma,{brace}', 'NULL', ' spaced ', "o'clock"];
  const segments = names.flatMap((dataSource) => [
    segmentRecord({ dataSource, startMs: 0, endMs: hourMs, version: 'V' }),
    segmentRecord({ dataSource, startMs: 0, endMs: hourMs, version: 'v' }),
  ]);
  await store.publishSegments(segments);
  await store.close();
  const reopened = await location.open();
  assert.deepEqual(await reopened.dataSources(), [...names].sort(compareUtf8));
  assert.deepEqual(await reopened.usedSegments(), sortedLikeStore(segments));
  assert.deepEqual(await reopened.allSegments('with "quotes"'), sortedLikeStore(segments.filter((record) => record.dataSource === 'with "quotes"')));
  await reopened.close();
}

async function changedSince(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const first = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
  const second = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
  const beforeMs = Date.now();
  await store.publishSegments([first]);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const sinceMs = Date.now();
  await store.publishSegments([second]);
  assert.deepEqual(await store.segmentsChangedSince(sinceMs), [second]);
  assert.deepEqual(await store.segmentsChangedSince(beforeMs), [first, second]);
  await store.markUnused([first.id]);
  assert.deepEqual(await store.segmentsChangedSince(sinceMs), [{ ...first, used: false }, second]);
  assert.deepEqual(await store.segmentsChangedSince(Date.now() + 60_000), []);
  assert.equal(await store.segment('missing'), undefined);
  await store.close();
}

async function concurrentPublishes(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const batches = Array.from({ length: 12 }, (_, batch) =>
    Array.from({ length: 20 }, (_, index) => segmentRecord({ startMs: index * hourMs, endMs: (index + 1) * hourMs, version: `v${batch}` })),
  );
  const shared = segmentRecord({ dataSource: 'shared', startMs: 0, endMs: hourMs, version: 'v1' });
  await Promise.all(batches.map((batch) => store.publishSegments([...batch, shared])));
  assert.deepEqual(await store.usedSegments(), sortedLikeStore([...batches.flat(), shared]));
  await store.close();
}

async function tasks(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const location = await newLocation();
  const store = await location.open();
  await store.insertTask(task('older', 1000));
  await store.insertTask(task('newer', 2000));
  await store.insertTask(task('same-time-b', 1500));
  await store.insertTask(task('same-time-a', 1500));
  await assertRejectsWith(store.insertTask(task('older', 3000)), 'conflict', /already exists/);
  await store.updateTask('older', { state: 'FAILED', durationMs: 42, errorMessage: 'boom' });
  await store.updateTask('older', { report: { rowStats: { processed: 3 }, note: 'unicode ✓' } });
  await store.updateTask('newer', { state: 'SUCCESS' });
  await store.updateTask('newer', {});
  await store.updateTask('same-time-a', { state: 'FAILED', errorMessage: 'first' });
  await store.updateTask('same-time-a', { errorMessage: null, durationMs: null, report: null });
  await assertRejectsWith(store.updateTask('missing', { state: 'SUCCESS' }), 'not_found', /does not exist/);
  await assertRejectsWith(store.updateTask('missing', {}), 'not_found');
  await assertRejectsWith(store.updateTask('older', { state: 'DONE' as 'SUCCESS' }), 'invalid_input');
  await store.close();
  const reopened = await location.open();
  assert.deepEqual(await reopened.task('older'), {
    ...task('older', 1000),
    state: 'FAILED',
    durationMs: 42,
    errorMessage: 'boom',
    report: { rowStats: { processed: 3 }, note: 'unicode ✓' },
  });
  assert.deepEqual(await reopened.task('newer'), { ...task('newer', 2000), state: 'SUCCESS' });
  assert.deepEqual(await reopened.task('same-time-a'), { ...task('same-time-a', 1500), state: 'FAILED' });
  assert.deepEqual((await reopened.tasks()).map((record) => record.id), ['newer', 'same-time-a', 'same-time-b', 'older']);
  assert.equal(await reopened.task('missing'), undefined);
  await reopened.close();
}

async function malformedRecords(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  const good = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
  const cases: [SegmentRecord, RegExp][] = [
    [{ ...good, id: '' }, /segments\[1\]\.id/],
    [{ ...good, dataSource: '' }, /segments\[1\]\.dataSource/],
    [{ ...good, interval: { startMs: 0.5, endMs: hourMs } }, /segments\[1\]\.interval/],
    [{ ...good, version: '' }, /segments\[1\]\.version/],
    [{ ...good, partition: -1 }, /segments\[1\]\.partition/],
    [{ ...good, deepStorageKey: '' }, /segments\[1\]\.deepStorageKey/],
    [{ ...good, sizeBytes: Number.NaN }, /segments\[1\]\.sizeBytes/],
    [{ ...good, createdMs: 2 ** 60 }, /segments\[1\]\.createdMs/],
  ];
  const other = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
  for (const [segment, field] of cases) await assertRejectsWith(store.publishSegments([other, segment]), 'invalid_input', field);
  await assertRejectsWith(store.insertTask({ ...task('t', 1), state: 'WAITING' as 'RUNNING' }), 'invalid_input', /state/);
  await assertRejectsWith(store.insertTask({ ...task('t', 1), id: '' }), 'invalid_input', /id/);
  assert.deepEqual(await store.usedSegments(), []);
  assert.deepEqual(await store.tasks(), []);
  await store.close();
}

function task(id: string, createdMs: number): TaskRecord {
  return {
    id,
    type: 'index_parallel',
    dataSource: 'wikipedia',
    state: 'RUNNING',
    createdMs,
    durationMs: null,
    errorMessage: null,
    spec: { type: 'index_parallel', spec: { dataSchema: { dataSource: 'wikipedia' } } },
    report: null,
  };
}

async function assertRejectsWith(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SedimentError, `expected a SedimentError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

function ids(records: readonly SegmentRecord[]): string[] {
  return records.map((record) => record.id).sort();
}

/** The stores' documented order: datasource, start, end, version, partition (text by UTF-8 bytes). */
export function sortedLikeStore(records: readonly SegmentRecord[]): SegmentRecord[] {
  return [...records].sort(
    (left, right) =>
      compareUtf8(left.dataSource, right.dataSource) ||
      left.interval.startMs - right.interval.startMs ||
      left.interval.endMs - right.interval.endMs ||
      compareUtf8(left.version, right.version) ||
      left.partition - right.partition,
  );
}

function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/** A small deterministic generator (LCG), so failures reproduce. */
export function seededRandom(seed: number): (limit: number) => number {
  let state = seed;
  return (limit: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((state / 2_147_483_648) * limit);
  };
}

async function conditionalPublish(newLocation: () => Promise<StoreLocation>): Promise<void> {
  const store = await (await newLocation()).open();
  try {
    const first = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
    const elsewhere = segmentRecord({ startMs: 5 * hourMs, endMs: 6 * hourMs, version: 'v1' });
    await store.publishSegments([first, elsewhere]);
    const interval = { startMs: 0, endMs: 2 * hourMs };
    const compacted = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v2' });

    // An append the compaction did not see makes its publish fail, and nothing of it is written.
    const appended = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
    await store.publishSegments([appended]);
    await assert.rejects(
      store.publishSegments([compacted], [first.id], { dataSource: first.dataSource, interval, usedSegmentIds: [first.id] }),
      (error: unknown) => (error as { code?: string }).code === 'conflict' && /1 appeared/.test((error as Error).message),
    );
    assert.deepEqual((await store.usedSegments(first.dataSource)).map((segment) => segment.id).sort(), [first.id, appended.id, elsewhere.id].sort());

    // With the current set it commits; segments outside the interval do not matter.
    await store.publishSegments([compacted], [first.id], { dataSource: first.dataSource, interval, usedSegmentIds: [first.id, appended.id] });
    assert.deepEqual((await store.usedSegments(first.dataSource)).map((segment) => segment.id).sort(), [compacted.id, appended.id, elsewhere.id].sort());
  } finally {
    await store.close();
  }
}
