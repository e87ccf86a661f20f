// The SQL the PostgreSQL metadata store runs inside its transactions: migrations under a lock,
// batched segment inserts with retried-publish detection, mark-unused, the per-datasource advisory
// lock that serializes publishes, the stream-offsets row lock, and audit inserts.
import pg from 'pg';
import type { CustomTypesConfig, PoolClient, QueryResultRow } from 'pg';
import { SedimentError, assert } from './errors.js';
import type { AuditEntry, StreamOffsets } from './ingestion-metadata-store.js';
import { jsonText } from './metadata-record-validation.js';
import { segmentColumns, type SegmentRow } from './metadata-rows.js';
import type { SegmentRecord } from './metadata-store.js';
import { postgresMigrations, postgresSchemaMigrationsTable } from './postgres-metadata-schema.js';

export const auditColumns = 'audit_key, audit_type, author, comment, payload, created_ms';
/** Segments per INSERT statement of a publish: bounds one statement's parameter size (~payload × this). */
const publishBatchSize = 2_000;

export type Queryable = pg.Pool | PoolClient;
/**
 * stream_offsets.offsets of a row a publish inserted only to lock it: never committed (the publish
 * overwrites it or rolls back), and not JSON, so it cannot be mistaken for committed offsets.
 */
const uncommittedOffsets = '';
/** pg_advisory_xact_lock key serialising migrations across processes ("SEDIMENT" in ASCII, truncated). */
const migrationLockKey = 0x5345_4449;
/** BIGINT columns as numbers (pg returns strings); every value stored here is a safe integer. */
const int8Oid = 20;
const numericTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid ? parseInt8 : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

export async function queryRows<Row extends QueryResultRow>(client: Queryable, text: string, values: readonly unknown[]): Promise<Row[]> {
  const result = await client.query<Row>({ text, values: [...values], types: numericTypes });
  return result.rows;
}

export async function applyMigrations(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
  await client.query(postgresSchemaMigrationsTable);
  const applied = new Set((await queryRows<{ version: number }>(client, 'SELECT version FROM schema_migrations', [])).map((row) => row.version));
  const newestKnown = postgresMigrations[postgresMigrations.length - 1]?.version ?? 0;
  const newestApplied = Math.max(0, ...applied);
  if (newestApplied > newestKnown) {
    throw new SedimentError(
      'conflict',
      `metadata schema version ${newestApplied} is newer than this Sediment supports (${newestKnown}); upgrade Sediment`,
    );
  }
  for (const migration of postgresMigrations) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await client.query(statement);
    await client.query('INSERT INTO schema_migrations (version, description, applied_ms) VALUES ($1, $2, $3)', [
      migration.version,
      migration.description,
      Date.now(),
    ]);
  }
}

/**
 * Insert segments as used in one statement, in the caller's (id) order. An id already present is a retried (or
 * concurrent) publish if the stored row is used with the same file and payload; otherwise a conflict.
 */
async function insertSegments(client: PoolClient, segments: readonly SegmentRecord[], nowMs: number): Promise<void> {
  const payloads = segments.map((segment) => JSON.stringify(segment.info));
  const sql = `INSERT INTO segments (${segmentColumns}, used_status_last_updated_ms)
    SELECT id, data_source, start_ms, end_ms, version, partition_number, TRUE, deep_storage_key, size_bytes, payload, created_ms, $11
    FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::int4[], $7::text[], $8::int8[], $9::text[], $10::int8[])
      AS input (id, data_source, start_ms, end_ms, version, partition_number, deep_storage_key, size_bytes, payload, created_ms)
    ON CONFLICT (id) DO NOTHING
    RETURNING id`;
  const inserted = await queryRows<{ id: string }>(client, sql, [
    segments.map((segment) => segment.id),
    segments.map((segment) => segment.dataSource),
    segments.map((segment) => segment.interval.startMs),
    segments.map((segment) => segment.interval.endMs),
    segments.map((segment) => segment.version),
    segments.map((segment) => segment.partition),
    segments.map((segment) => segment.deepStorageKey),
    segments.map((segment) => segment.sizeBytes),
    payloads,
    segments.map((segment) => segment.createdMs),
    nowMs,
  ]);
  if (inserted.length === segments.length) return;
  await checkAlreadyPublished(client, segments, payloads, new Set(inserted.map((row) => row.id)));
}

export async function checkAlreadyPublished(
  client: PoolClient,
  segments: readonly SegmentRecord[],
  payloads: readonly string[],
  insertedIds: ReadonlySet<string>,
): Promise<void> {
  const presentIds = segments.filter((segment) => !insertedIds.has(segment.id)).map((segment) => segment.id);
  const sql = 'SELECT id, used, deep_storage_key, payload FROM segments WHERE id = ANY($1::text[])';
  const rows = await queryRows<Pick<SegmentRow, 'id' | 'used' | 'deep_storage_key' | 'payload'>>(client, sql, [presentIds]);
  const existingById = new Map(rows.map((row) => [row.id, row]));
  segments.forEach((segment, index) => {
    if (insertedIds.has(segment.id)) return;
    const existing = existingById.get(segment.id);
    if (existing === undefined) throw new SedimentError('internal', `assertion failed: segment ${segment.id} conflicted but is absent`);
    const identical = existing.used && existing.deep_storage_key === segment.deepStorageKey && existing.payload === payloads[index];
    if (!identical) throw alreadyPublished(segment.id);
  });
}

export async function markUnusedWith(client: PoolClient, segmentIds: readonly string[], nowMs: number): Promise<number> {
  // Sorted, so concurrent writers lock rows in the same order.
  const ids = [...new Set(segmentIds)].sort();
  const result = await client.query({
    text: 'UPDATE segments SET used = FALSE, used_status_last_updated_ms = $1 WHERE id = ANY($2::text[]) AND used',
    values: [nowMs, ids],
  });
  return result.rowCount ?? 0;
}

/** One record per id, sorted by id; the same id twice must be the same publish, as in the embedded store. */
export function distinctById(segments: readonly SegmentRecord[]): SegmentRecord[] {
  const byId = new Map<string, SegmentRecord>();
  for (const segment of segments) {
    const first = byId.get(segment.id);
    if (first === undefined) byId.set(segment.id, segment);
    else if (first.deepStorageKey !== segment.deepStorageKey || JSON.stringify(first.info) !== JSON.stringify(segment.info)) {
      throw alreadyPublished(segment.id);
    }
  }
  return [...byId.values()].sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}

export function alreadyPublished(id: string): SedimentError {
  return new SedimentError('conflict', `segment ${id} is already published; a new publish needs a new version`);
}

/**
 * The supervisor's committed offsets (null if none), with its stream_offsets row locked until the
 * transaction ends. ON CONFLICT DO UPDATE either inserts a placeholder row or locks the existing
 * one, atomically, so two first publishes cannot both see "nothing committed": the second waits
 * for the first and then reads the offsets it committed.
 */
export async function lockCommittedOffsets(client: PoolClient, supervisorId: string, nowMs: number): Promise<StreamOffsets | null> {
  const sql = `INSERT INTO stream_offsets (supervisor_id, offsets, updated_ms) VALUES ($1, $2, $3)
    ON CONFLICT (supervisor_id) DO UPDATE SET offsets = stream_offsets.offsets
    RETURNING offsets`;
  const [row] = await queryRows<{ offsets: string }>(client, sql, [supervisorId, uncommittedOffsets, nowMs]);
  assert(row !== undefined, `INSERT … ON CONFLICT DO UPDATE returned the stream_offsets row of ${supervisorId}`);
  return offsetsFromColumn(row.offsets);
}

export function offsetsFromColumn(text: string): StreamOffsets | null {
  return text === uncommittedOffsets ? null : (JSON.parse(text) as StreamOffsets);
}

export async function insertAudit(client: Queryable, entry: AuditEntry): Promise<void> {
  await client.query({
    text: `INSERT INTO audit_log (${auditColumns}) VALUES ($1, $2, $3, $4, $5, $6)`,
    values: [
      entry.key,
      entry.type,
      storableMessage(entry.author),
      storableMessage(entry.comment),
      jsonText(entry.payload ?? null, 'payload'),
      entry.createdMs,
    ],
  });
}

/** Error messages quote arbitrary input; U+0000 (unstorable in PostgreSQL text) becomes U+FFFD. */
export function storableMessage(message: string | null): string | null {
  return message === null ? null : message.replaceAll('\0', '\uFFFD');
}

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new SedimentError('internal', `assertion failed: BIGINT ${text} is not a safe integer`);
  return value;
}

/**
 * Serializes publishes per datasource for the rest of the transaction (a conditional publish reads
 * the used set and must not race another publish's insert). Locks are taken in sorted order so two
 * publishes spanning several datasources cannot deadlock.
 */
export async function lockDataSources(client: PoolClient, dataSources: readonly string[]): Promise<void> {
  for (const dataSource of [...new Set(dataSources)].sort()) {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [dataSource]);
  }
}

/** Insert a publish's segments (distinct, sorted by id) in bounded batches. */
export async function insertSegmentBatches(client: PoolClient, segments: readonly SegmentRecord[], nowMs: number): Promise<void> {
  for (let start = 0; start < segments.length; start += publishBatchSize) {
    await insertSegments(client, segments.slice(start, start + publishBatchSize), nowMs);
  }
}
