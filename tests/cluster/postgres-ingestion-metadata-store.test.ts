// PostgresMetadataStore as an IngestionMetadataStore: the shared conformance suite, plus what only
// a shared server can get wrong — racing publishers of one supervisor, schema details — and a
// randomized comparison with SqliteMetadataStore, the reference behaviour.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SedimentError } from '../../cluster/errors.js';
import type { AuditEntry, IngestionMetadataStore, StreamOffsets, SupervisorState } from '../../cluster/ingestion-metadata-store.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { PostgresMetadataStore } from '../../cluster/postgres-metadata-store.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { startPostgres } from '../fixtures/postgres-server.js';
import type { PostgresServer } from '../fixtures/postgres-server.js';
import { ingestionMetadataStoreConformance } from './ingestion-metadata-store-conformance.js';
import { seededRandom, sortedLikeStore } from './metadata-store-conformance.js';
import { segmentRecord } from './segment-record-fixture.js';

type Store = MetadataStore & IngestionMetadataStore;
const hourMs = 3_600_000;
const lockWaitTimeoutMs = 10_000;
let server: PostgresServer | undefined;
let databaseCount = 0;

function serverUrl(database: string): string {
  assert.ok(server !== undefined, 'PostgreSQL server not started');
  const url = new URL(server.connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database sorting text by ICU en-US (where 'a' < 'B'), so only COLLATE "C" gives byte order. */
async function newDatabase(): Promise<string> {
  const name = `sediment_ingestion_test_${++databaseCount}`;
  await withClient(serverUrl('postgres'), (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`),
  );
  return serverUrl(name);
}

async function withClient<Result>(connectionString: string, work: (client: pg.Client) => Promise<Result>): Promise<Result> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof SedimentError && error.code === 'conflict';
}

function codeOf(error: unknown): string {
  return error instanceof SedimentError ? error.code : `not a SedimentError: ${String(error)}`;
}

/**
 * Run `start` while another session holds an EXCLUSIVE lock on segments, so every publish stops at
 * its first segment insert with whatever it has already locked; release the lock only once
 * `waiters` sessions of the database are blocked. Without row locks on the offsets, every racer
 * would read the same committed offsets before any of them commits.
 */
async function withSegmentsHeld<Result>(connectionString: string, waiters: number, start: () => Promise<Result>): Promise<Result> {
  const blocker = new pg.Client({ connectionString });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE segments IN EXCLUSIVE MODE');
    const running = start();
    // Not from the blocker: pg_stat_activity is read once per transaction, and it is in one.
    await withClient(connectionString, (monitor) => waitForBlockedSessions(monitor, waiters));
    await blocker.query('COMMIT');
    return await running;
  } finally {
    await blocker.end();
  }
}

async function waitForBlockedSessions(client: pg.Client, count: number): Promise<void> {
  const deadlineMs = Date.now() + lockWaitTimeoutMs;
  for (;;) {
    const { rows } = await client.query<{ blocked: number }>(
      `SELECT count(*)::int AS blocked FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows[0]!.blocked >= count) return;
    assert.ok(Date.now() < deadlineMs, `only ${rows[0]!.blocked} of ${count} publishers reached a lock wait`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PostgresMetadataStore (ingestion metadata)', () => {
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  ingestionMetadataStoreConformance('PostgresMetadataStore', async () => PostgresMetadataStore.open({ connectionString: await newDatabase() }));

  it('applies migration 2 with byte-order text columns and an audit insertion order', async () => {
    const connectionString = await newDatabase();
    await (await PostgresMetadataStore.open({ connectionString })).close();
    await withClient(connectionString, async (client) => {
      const versions = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(versions.rows.map((row) => row.version), [1, 2]);
      const textColumns = await client.query<{ column: string; collation: string | null }>(
        `SELECT table_name || '.' || column_name AS column, collation_name AS collation FROM information_schema.columns
         WHERE table_name IN ('supervisors', 'stream_offsets', 'configs', 'audit_log') AND data_type = 'text'
         ORDER BY 1`,
      );
      assert.equal(textColumns.rows.length, 14);
      assert.deepEqual(textColumns.rows.filter((row) => row.collation !== 'C'), []);
      const identity = await client.query<{ is_identity: string }>(
        `SELECT is_identity FROM information_schema.columns WHERE table_name = 'audit_log' AND column_name = 'insertion_order'`,
      );
      assert.deepEqual(identity.rows, [{ is_identity: 'YES' }]);
    });
  });

  it('lets exactly one of two publishers racing from the same start offsets win, first publish or later', async () => {
    const connectionString = await newDatabase();
    const [first, second, reader] = await Promise.all([1, 2, 3].map(() => PostgresMetadataStore.open({ connectionString })));
    try {
      const published: SegmentRecord[] = [];
      for (let round = 0; round < 3; round++) {
        const start: StreamOffsets = (await reader.committedOffsets('wiki')) ?? { 'edits:0': 0, 'edits:1': 0 };
        const racers = [first, second].map((store, index) => ({
          store,
          segment: segmentRecord({ startMs: round * hourMs, endMs: (round + 1) * hourMs, version: 'v1', partition: index }),
          end: { 'edits:0': start['edits:0']! + 10 * (index + 1), 'edits:1': start['edits:1']! + 1 },
        }));
        const results = await withSegmentsHeld(connectionString, 2, () =>
          Promise.allSettled(racers.map((racer) => racer.store.publishSegmentsWithOffsets([racer.segment], 'wiki', start, racer.end))),
        );
        const winners = racers.filter((_, index) => results[index]!.status === 'fulfilled');
        assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((result) => result.status))}`);
        const rejection = results.find((result) => result.status === 'rejected');
        assert.ok(rejection !== undefined && isConflict(rejection.reason), `round ${round}: ${String(rejection?.reason)}`);
        published.push(winners[0]!.segment);
        assert.deepEqual(await reader.committedOffsets('wiki'), winners[0]!.end);
        assert.deepEqual(await reader.usedSegments(), sortedLikeStore(published));
      }
    } finally {
      await Promise.all([first.close(), second.close(), reader.close()]);
    }
  });

  it('serialises random racing publishers: disjoint partitions all win, overlapping ones one at a time', async () => {
    const connectionString = await newDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresMetadataStore.open({ connectionString })));
    const random = seededRandom(23);
    const partitions = ['edits:0', 'edits:1', 'edits:2', 'edits:3', 'edits:4', 'edits:5', 'edits:6'];
    let committed: Record<string, number> = {};
    const published: SegmentRecord[] = [];
    try {
      for (let round = 0; round < 12; round++) {
        const racers = Array.from({ length: 2 + random(5) }, (_, index) => {
          const claimed = partitions.filter(() => random(3) === 0).slice(0, 3);
          if (claimed.length === 0) claimed.push(partitions[random(partitions.length)]!);
          const start = Object.fromEntries(claimed.map((partition) => [partition, committed[partition] ?? random(50)]));
          const end = Object.fromEntries(claimed.map((partition) => [partition, start[partition]! + 1 + random(100)]));
          const segment = segmentRecord({ startMs: round * hourMs, endMs: (round + 1) * hourMs, version: 'v1', partition: index });
          return { claimed, start, end, segment };
        });
        const results = await withSegmentsHeld(connectionString, racers.length, () =>
          Promise.allSettled(
            racers.map((racer, index) => stores[index % stores.length]!.publishSegmentsWithOffsets([racer.segment], 'wiki', racer.start, racer.end)),
          ),
        );
        for (const result of results) if (result.status === 'rejected') assert.ok(isConflict(result.reason), String(result.reason));
        const won = racers.map((_, index) => results[index]!.status === 'fulfilled');
        const overlap = (left: number, right: number): boolean => racers[left]!.claimed.some((partition) => racers[right]!.claimed.includes(partition));
        racers.forEach((_, index) => {
          const rivals = racers.map((__, other) => other).filter((other) => other !== index && overlap(index, other));
          // A loser lost to a winner that committed one of its partitions first; an uncontested racer always wins.
          if (!won[index]) assert.ok(rivals.some((other) => won[other]), `round ${round}: racer ${index} lost to nobody`);
          if (won[index]) assert.ok(rivals.every((other) => !won[other]), `round ${round}: racer ${index} and a rival both won`);
          if (rivals.length === 0) assert.ok(won[index], `round ${round}: uncontested racer ${index} lost`);
        });
        racers.forEach((racer, index) => {
          if (!won[index]) return;
          committed = { ...committed, ...racer.end };
          published.push(racer.segment);
        });
        assert.deepEqual(await stores[0]!.committedOffsets('wiki'), committed);
        assert.deepEqual(await stores[0]!.usedSegments(), sortedLikeStore(published));
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('commits no offsets when the first publish of a supervisor fails', async () => {
    const store = await PostgresMetadataStore.open({ connectionString: await newDatabase() });
    try {
      const segment = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
      await store.publishSegments([segment]);
      const clash = { ...segment, deepStorageKey: 'elsewhere/segment.sdm' };
      await assert.rejects(store.publishSegmentsWithOffsets([clash], 'wiki', { 'edits:0': 0 }, { 'edits:0': 5 }), isConflict);
      assert.equal(await store.committedOffsets('wiki'), null);
      const next = segmentRecord({ startMs: hourMs, endMs: 2 * hourMs, version: 'v1' });
      await store.publishSegmentsWithOffsets([next], 'wiki', { 'edits:0': 3 }, { 'edits:0': 5 });
      assert.deepEqual(await store.committedOffsets('wiki'), { 'edits:0': 5 });
      await store.resetOffsets('wiki', { author: 'ops', comment: 'second reset finds nothing' });
      await store.resetOffsets('wiki', { author: 'ops', comment: 'second reset finds nothing' });
      assert.deepEqual((await store.auditLog('supervisor:wiki')).map((entry) => entry.payload), [
        { previousOffsets: { 'edits:0': 5 } },
        { previousOffsets: null },
      ]);
    } finally {
      await store.close();
    }
  });

  it('orders audit entries by time, and entries of one millisecond by insertion', async () => {
    const store = await PostgresMetadataStore.open({ connectionString: await newDatabase() });
    try {
      const random = seededRandom(41);
      const entries: AuditEntry[] = Array.from({ length: 60 }, (_, index) => ({
        key: index % 7 === 0 ? 'other' : 'supervisor:wiki',
        type: 'submit',
        author: `author ${index}`,
        comment: '',
        payload: { index },
        createdMs: 1_700_000_000_000 + random(4),
      }));
      for (const entry of entries) await store.appendAudit(entry);
      // Array.prototype.sort is stable: equal times keep insertion order.
      const expected = entries.filter((entry) => entry.key === 'supervisor:wiki').sort((left, right) => left.createdMs - right.createdMs);
      assert.deepEqual(await store.auditLog('supervisor:wiki'), expected);
      assert.deepEqual(await store.auditLog('missing'), []);
    } finally {
      await store.close();
    }
  });

  it('rejects malformed supervisors, offsets, configs and audit entries with the field path, changing nothing', async () => {
    const store = await PostgresMetadataStore.open({ connectionString: await newDatabase() });
    const invalid = (field: string) => (error: unknown): boolean =>
      error instanceof SedimentError && error.code === 'invalid_input' && error.message.startsWith(`${field}:`);
    try {
      const supervisor = { id: 'wiki', dataSource: 'wikipedia', type: 'kafka', spec: {}, state: 'RUNNING' as SupervisorState, createdMs: 1, updatedMs: 1 };
      await assert.rejects(store.upsertSupervisor({ ...supervisor, state: 'PAUSED' as SupervisorState }), invalid('state'));
      await assert.rejects(store.upsertSupervisor({ ...supervisor, id: 'a\0b' }), invalid('id'));
      await assert.rejects(store.upsertSupervisor({ ...supervisor, spec: undefined }), invalid('spec'));
      await assert.rejects(store.upsertSupervisor({ ...supervisor, updatedMs: 1.5 }), invalid('updatedMs'));
      assert.deepEqual(await store.supervisors(), []);
      assert.equal(await store.supervisor('a\0b'), undefined);

      const segment = segmentRecord({ startMs: 0, endMs: hourMs, version: 'v1' });
      await assert.rejects(store.publishSegmentsWithOffsets([segment], 'wiki', { 'edits:0': -1 }, { 'edits:0': 1 }), invalid('startOffsets["edits:0"]'));
      await assert.rejects(store.publishSegmentsWithOffsets([segment], 'wiki', {}, { 'edits:0': Number.NaN }), invalid('endOffsets["edits:0"]'));
      await assert.rejects(store.publishSegmentsWithOffsets([segment], '', {}, {}), invalid('supervisorId'));
      await assert.rejects(store.publishSegmentsWithOffsets([{ ...segment, version: '' }], 'wiki', {}, {}), invalid('segments[0].version'));
      assert.deepEqual(await store.usedSegments(), []);
      assert.equal(await store.committedOffsets('wiki'), null);
      assert.equal(await store.committedOffsets('wi\0ki'), null);

      await assert.rejects(store.setConfig('rules', undefined, { author: 'me', comment: '' }), invalid('value'));
      await assert.rejects(store.setConfig('rules', { big: 1n }, { author: 'me', comment: '' }), invalid('value'));
      await assert.rejects(store.setConfig('', {}, { author: 'me', comment: '' }), invalid('name'));
      await assert.rejects(store.appendAudit({ key: 'k', type: 't', author: 'a', comment: '', payload: null, createdMs: 1.5 }), invalid('createdMs'));
      await assert.rejects(store.appendAudit({ key: 'k\0', type: 't', author: 'a', comment: '', payload: null, createdMs: 1 }), invalid('key'));
      assert.equal(await store.config('rules'), undefined);
      assert.deepEqual(await store.auditLog('config:rules'), []);
      assert.deepEqual(await store.auditLog('k'), []);

      // Free text and JSON payloads keep what PostgreSQL text can hold.
      await store.setConfig('rules', { note: 'nul \0 inside' }, { author: 'me', comment: 'nul \0 here' });
      assert.deepEqual(await store.config('rules'), { note: 'nul \0 inside' });
      assert.equal((await store.auditLog('config:rules'))[0]!.comment, 'nul \uFFFD here');
      assert.equal(await store.deleteUnusedSegments(['no\0such', 'absent']), 0);
    } finally {
      await store.close();
    }
  });

  it('behaves like SqliteMetadataStore over a random sequence of ingestion operations', async () => {
    const sqliteDirectory = mkdtempSync(join(tmpdir(), 'sediment-ingestion-differential-'));
    const reference = SqliteMetadataStore.open(join(sqliteDirectory, 'metadata.sqlite'));
    const subject = await PostgresMetadataStore.open({ connectionString: await newDatabase() });
    try {
      const random = seededRandom(97);
      const world: RandomWorld = { random, published: [], nextSegment: 0 };
      for (let step = 0; step < 400; step++) {
        const operation = await randomOperation(world, reference);
        const [expected, actual] = [await outcome(() => operation.run(reference)), await outcome(() => operation.run(subject))];
        assert.deepEqual(actual, expected, `step ${step}: ${operation.name}`);
        if (step % 50 === 49) assert.deepEqual(await observableState(subject), await observableState(reference), `state after step ${step}`);
      }
      assert.deepEqual(await observableState(subject), await observableState(reference));
    } finally {
      await Promise.all([reference.close(), subject.close()]);
      rmSync(sqliteDirectory, { recursive: true, force: true });
    }
  });
});

interface RandomWorld {
  readonly random: (limit: number) => number;
  /** Every segment record handed to a publish, whether it was accepted or not. */
  readonly published: SegmentRecord[];
  nextSegment: number;
}

interface Operation {
  readonly name: string;
  run(store: Store): Promise<unknown>;
}

const supervisorIds = ['wiki', 'Wiki', 'ärger'];
const auditKeys = ['supervisor:wiki', 'config:rules', 'compaction:wikipedia'];
const partitions = ['edits:0', 'edits:1', 'edits:2', 'edits:3'];

/** One random call, its arguments drawn using the reference store's state so that many publishes succeed. */
async function randomOperation(world: RandomWorld, reference: Store): Promise<Operation> {
  const { random } = world;
  const supervisorId = supervisorIds[random(supervisorIds.length)]!;
  switch (random(8)) {
    case 0: {
      const states: SupervisorState[] = ['RUNNING', 'SUSPENDED', 'TERMINATED'];
      const record = { id: supervisorId, dataSource: 'wikipedia', type: 'kafka', spec: { topic: `t${random(3)}` }, state: states[random(3)]!, createdMs: random(5), updatedMs: random(5) };
      return { name: `upsertSupervisor ${JSON.stringify(record)}`, run: (store) => store.upsertSupervisor(record) };
    }
    case 1:
    case 2:
    case 3: {
      const committed = (await reference.committedOffsets(supervisorId)) ?? {};
      const claimed = partitions.filter(() => random(2) === 0);
      // Mostly the committed offsets; sometimes a stale or skipped-ahead start, which must conflict.
      const start = Object.fromEntries(claimed.map((partition) => [partition, Math.max(0, (committed[partition] ?? 0) + (random(4) === 0 ? random(3) - 1 : 0))]));
      const end = Object.fromEntries(claimed.map((partition) => [partition, start[partition]! + 1 + random(10)]));
      const segments = randomSegments(world);
      const name = `publishSegmentsWithOffsets ${segments.map((segment) => segment.id)} ${supervisorId} ${JSON.stringify(start)} → ${JSON.stringify(end)}`;
      return { name, run: (store) => store.publishSegmentsWithOffsets(segments, supervisorId, start, end) };
    }
    case 4:
    {
      const audit = { author: 'ops', comment: `reset ${random(100)}` };
      return { name: `resetOffsets ${supervisorId}`, run: (store) => store.resetOffsets(supervisorId, audit) };
    }
    case 5: {
      const name = ['rules', 'compaction'][random(2)]!;
      const value = random(4) === 0 ? null : { version: random(100), tiers: ['hot', 'cold'].slice(0, random(3)) };
      return { name: `setConfig ${name} ${JSON.stringify(value)}`, run: (store) => store.setConfig(name, value, { author: 'me', comment: '' }) };
    }
    case 6: {
      const entry = { key: auditKeys[random(auditKeys.length)]!, type: 'note', author: `a${random(3)}`, comment: `c${random(1000)}`, payload: random(2) === 0 ? undefined : [random(9)], createdMs: random(4) };
      return { name: `appendAudit ${JSON.stringify(entry)}`, run: (store) => store.appendAudit(entry) };
    }
    default: {
      const ids = world.published.filter(() => random(6) === 0).map((segment) => segment.id);
      if (random(2) === 0) return { name: `markUnused ${ids}`, run: (store) => store.markUnused(ids) };
      return { name: `deleteUnusedSegments ${ids}`, run: (store) => store.deleteUnusedSegments(ids) };
    }
  }
}

/** New segments, or now and then one published before (a retried publish, or a clash when its file differs). */
function randomSegments(world: RandomWorld): SegmentRecord[] {
  const { random } = world;
  const previous = world.published[random(Math.max(1, world.published.length))];
  if (previous !== undefined && random(5) === 0) {
    return [random(2) === 0 ? previous : { ...previous, deepStorageKey: `${previous.deepStorageKey}.${random(1000)}` }];
  }
  const segments = Array.from({ length: random(3) }, () => {
    const index = world.nextSegment++;
    return segmentRecord({ startMs: index * hourMs, endMs: (index + 1) * hourMs, version: 'v1', partition: random(2) });
  });
  world.published.push(...segments);
  return segments;
}

async function outcome(run: () => Promise<unknown>): Promise<{ value: unknown } | { errorCode: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { errorCode: codeOf(error) };
  }
}

/** Everything a caller can read back; audit times the store stamped itself become "now". */
async function observableState(store: Store): Promise<unknown> {
  const auditLogs = await Promise.all(
    [...auditKeys, ...supervisorIds.map((id) => `supervisor:${id}`), 'config:compaction'].map(async (key) =>
      (await store.auditLog(key)).map((entry) => ({ ...entry, createdMs: entry.createdMs > 1_000_000 ? 'now' : entry.createdMs })),
    ),
  );
  return {
    supervisors: await store.supervisors(),
    offsets: await Promise.all(supervisorIds.map((id) => store.committedOffsets(id))),
    configs: [await store.config('rules'), await store.config('compaction')],
    segments: await store.allSegments('wikipedia'),
    auditLogs,
  };
}
