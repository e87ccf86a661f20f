// The cluster metadata store: PostgreSQL through a `pg` pool, with the embedded store's schema
// (postgres-metadata-schema.ts) and the same behaviour, method for method, as SqliteMetadataStore.
// Several processes share one database, so migrations run under an advisory lock, a publish is one
// transaction whose inserts tolerate a concurrent identical publish, and row locks are taken in id
// order so two publishers cannot deadlock. A publish with stream offsets first inserts or locks the
// supervisor's stream_offsets row, so racing publishers of one supervisor take turns and each checks
// its start offsets against what the previous one committed.
import pg from 'pg';
import type { PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { SedimentError, assert, invalidInput } from './errors.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import {
  jsonText,
  taskStates,
  validateAuthorAndComment,
  validateOffsets,
  validateSegmentRecord,
  validateSupervisorRecord as validateSharedSupervisorRecord,
  validateTaskRecord,
} from './metadata-record-validation.js';
import type { MetadataStore, SegmentRecord, TaskRecord } from './metadata-store.js';
import type { AuditEntry, IngestionMetadataStore, StreamOffsets, SupervisorRecord } from './ingestion-metadata-store.js';
import { checkStartOffsets, mergeOffsets } from './stream-offsets.js';
import { checkPublishPrecondition, type PublishPrecondition } from './publish-precondition.js';
import {
  applyMigrations,
  auditColumns,
  distinctById,
  insertAudit,
  insertSegmentBatches,
  lockCommittedOffsets,
  lockDataSources,
  markUnusedWith,
  offsetsFromColumn,
  queryRows,
  storableMessage,
} from './postgres-statements.js';
import {
  auditEntryFromRow,
  segmentColumns,
  segmentFromRow,
  segmentOrder,
  supervisorFromRow,
  taskFromRow,
  type AuditRow,
  type SegmentRow,
  type SupervisorRow,
  type TaskRow,
} from './metadata-rows.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

const { Pool } = pg;

const selectSegments = `SELECT ${segmentColumns} FROM segments`;
const taskColumns = 'id, type, data_source, state, created_ms, duration_ms, error_message, spec, report';
const supervisorColumns = 'id, data_source, type, spec, state, created_ms, updated_ms';
/** How long to wait for a pooled connection before failing, unless the caller's config says otherwise. */
const defaultConnectionTimeoutMs = 10_000;

export class PostgresMetadataStore implements MetadataStore, IngestionMetadataStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Connect, and create or bring the schema up to date (safe when several processes open the same
   * database at once). `logger` receives errors of idle pooled connections, which the pool replaces.
   */
  static async open(connection: { connectionString: string } | PoolConfig, logger?: Logger): Promise<PostgresMetadataStore> {
    const pool = new Pool({ connectionTimeoutMillis: defaultConnectionTimeoutMs, ...connection });
    const errorLogger = logger ?? createLogger('postgres-metadata-store');
    // Without a listener, an idle connection dropped by a server restart would crash the process.
    pool.on('error', (error: Error & { code?: string }) => {
      // Not the error object itself: pg attaches the whole client to it.
      errorLogger.warn({ error: error.message, code: error.code }, 'idle PostgreSQL connection failed; the pool replaces it');
    });
    const store = new PostgresMetadataStore(pool);
    try {
      await store.transaction((client) => applyMigrations(client));
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async publishSegments(segments: readonly SegmentRecord[], markUnused: readonly string[] = [], precondition?: PublishPrecondition): Promise<void> {
    segments.forEach((segment, index) => {
      validateSegmentRecord(segment, `segments[${index}]`);
      rejectNulCharacters(segment, `segments[${index}]`);
    });
    const distinct = distinctById(segments);
    const nowMs = Date.now();
    await this.transaction(async (client) => {
      if (precondition !== undefined) {
        // Every publish to a datasource takes its advisory lock first (see lockDataSources), so the
        // used set read here cannot change before this transaction commits.
        await lockDataSources(client, [precondition.dataSource, ...distinct.map((segment) => segment.dataSource)]);
        const { dataSource, interval } = precondition;
        const sql = `SELECT id FROM segments WHERE data_source = $1 AND used AND start_ms < $2 AND end_ms > $3`;
        const { rows } = await client.query<{ id: string }>(sql, [dataSource, interval.endMs, interval.startMs]);
        checkPublishPrecondition(precondition, rows.map((row) => row.id));
      } else {
        await lockDataSources(client, distinct.map((segment) => segment.dataSource));
      }
      await insertSegmentBatches(client, distinct, nowMs);
      if (markUnused.length > 0) await markUnusedWith(client, markUnused, nowMs);
    });
  }

  async usedSegments(dataSource?: string, interval?: TimeInterval): Promise<SegmentRecord[]> {
    let rows: SegmentRow[];
    if (dataSource === undefined && interval === undefined) {
      rows = await this.rows<SegmentRow>(`${selectSegments} WHERE used ${segmentOrder}`, []);
    } else if (interval === undefined) {
      rows = await this.rows<SegmentRow>(`${selectSegments} WHERE data_source = $1 AND used ${segmentOrder}`, [dataSource]);
    } else if (dataSource === undefined) {
      const sql = `${selectSegments} WHERE used AND start_ms < $1 AND end_ms > $2 ${segmentOrder}`;
      rows = await this.rows<SegmentRow>(sql, [interval.endMs, interval.startMs]);
    } else {
      const sql = `${selectSegments} WHERE data_source = $1 AND used AND start_ms < $2 AND end_ms > $3 ${segmentOrder}`;
      rows = await this.rows<SegmentRow>(sql, [dataSource, interval.endMs, interval.startMs]);
    }
    return rows.map(segmentFromRow);
  }

  async allSegments(dataSource: string): Promise<SegmentRecord[]> {
    return (await this.rows<SegmentRow>(`${selectSegments} WHERE data_source = $1 ${segmentOrder}`, [dataSource])).map(segmentFromRow);
  }

  /** One segment by id, used or not; undefined if it was never published. */
  async segment(id: string): Promise<SegmentRecord | undefined> {
    const [row] = await this.rows<SegmentRow>(`${selectSegments} WHERE id = $1`, [id]);
    return row === undefined ? undefined : segmentFromRow(row);
  }

  /**
   * Segments (used or not) whose used status changed — published or marked unused — at or after
   * `sinceMs`, for incremental polling. The caller applies them idempotently and should pass its
   * previous poll's start time minus a margin longer than any write transaction, because a
   * transaction stamped before a poll may commit after it (and, here, longer than the clock skew
   * between the hosts that write).
   */
  async segmentsChangedSince(sinceMs: number): Promise<SegmentRecord[]> {
    const sql = `${selectSegments} WHERE used_status_last_updated_ms >= $1 ${segmentOrder}`;
    return (await this.rows<SegmentRow>(sql, [sinceMs])).map(segmentFromRow);
  }

  async markUnused(segmentIds: readonly string[]): Promise<number> {
    if (segmentIds.length === 0) return 0;
    return this.transaction((client) => markUnusedWith(client, segmentIds, Date.now()));
  }

  /** Names of datasources with a used segment, in byte order; a skip scan, one index probe per name. */
  async dataSources(): Promise<string[]> {
    const sql = `WITH RECURSIVE names AS (
        (SELECT data_source FROM segments WHERE used ORDER BY data_source LIMIT 1)
        UNION ALL
        SELECT (SELECT next.data_source FROM segments next
                WHERE next.used AND next.data_source > names.data_source ORDER BY next.data_source LIMIT 1)
        FROM names WHERE names.data_source IS NOT NULL
      )
      SELECT data_source FROM names WHERE data_source IS NOT NULL`;
    return (await this.rows<{ data_source: string }>(sql, [])).map((row) => row.data_source);
  }

  async insertTask(task: TaskRecord): Promise<void> {
    validateTaskRecord(task);
    for (const field of ['id', 'type', 'dataSource'] as const) rejectNul(task[field], field);
    const sql = `INSERT INTO tasks (${taskColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`;
    const result = await this.pool.query({
      text: sql,
      values: [
        task.id,
        task.type,
        task.dataSource,
        task.state,
        task.createdMs,
        task.durationMs,
        storableMessage(task.errorMessage),
        JSON.stringify(task.spec ?? null),
        jsonOrNull(task.report),
      ],
    });
    if (result.rowCount === 0) throw new SedimentError('conflict', `task ${task.id} already exists`);
  }

  async updateTask(
    id: string,
    change: Partial<Pick<TaskRecord, 'state' | 'durationMs' | 'errorMessage' | 'report'>>,
  ): Promise<void> {
    if (change.state !== undefined && !taskStates.includes(change.state)) {
      throw invalidInput('state', `must be one of ${taskStates.join(', ')}`);
    }
    const values: unknown[] = [id];
    const assignments: string[] = [];
    const assign = (column: string, value: unknown): void => {
      values.push(value);
      assignments.push(`${column} = $${values.length}`);
    };
    if (change.state !== undefined) assign('state', change.state);
    if ('durationMs' in change) assign('duration_ms', change.durationMs ?? null);
    if ('errorMessage' in change) assign('error_message', storableMessage(change.errorMessage ?? null));
    if ('report' in change) assign('report', jsonOrNull(change.report));
    // An empty change still reports a missing task, as the embedded store does.
    const setList = assignments.length === 0 ? 'state = state' : assignments.join(', ');
    const result = await this.pool.query({ text: `UPDATE tasks SET ${setList} WHERE id = $1`, values });
    if (result.rowCount === 0) throw new SedimentError('not_found', `task ${id} does not exist`);
  }

  async task(id: string): Promise<TaskRecord | undefined> {
    const [row] = await this.rows<TaskRow>(`SELECT ${taskColumns} FROM tasks WHERE id = $1`, [id]);
    return row === undefined ? undefined : taskFromRow(row);
  }

  /** All tasks, newest first. */
  async tasks(): Promise<TaskRecord[]> {
    return (await this.rows<TaskRow>(`SELECT ${taskColumns} FROM tasks ORDER BY created_ms DESC, id`, [])).map(taskFromRow);
  }

  async upsertSupervisor(record: SupervisorRecord): Promise<void> {
    validateSupervisorRecord(record);
    const sql = `INSERT INTO supervisors (${supervisorColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (id) DO UPDATE SET data_source = excluded.data_source, type = excluded.type, spec = excluded.spec,
        state = excluded.state, updated_ms = excluded.updated_ms`;
    const spec = jsonText(record.spec, 'spec');
    const values = [record.id, record.dataSource, record.type, spec, record.state, record.createdMs, record.updatedMs];
    await this.pool.query({ text: sql, values });
  }

  async supervisor(id: string): Promise<SupervisorRecord | undefined> {
    if (!storable(id)) return undefined;
    const [row] = await this.rows<SupervisorRow>(`SELECT ${supervisorColumns} FROM supervisors WHERE id = $1`, [id]);
    return row === undefined ? undefined : supervisorFromRow(row);
  }

  async supervisors(): Promise<SupervisorRecord[]> {
    return (await this.rows<SupervisorRow>(`SELECT ${supervisorColumns} FROM supervisors ORDER BY id`, [])).map(supervisorFromRow);
  }

  async committedOffsets(supervisorId: string): Promise<StreamOffsets | null> {
    if (!storable(supervisorId)) return null;
    const [row] = await this.rows<{ offsets: string }>('SELECT offsets FROM stream_offsets WHERE supervisor_id = $1', [supervisorId]);
    return row === undefined ? null : offsetsFromColumn(row.offsets);
  }

  async publishSegmentsWithOffsets(
    segments: readonly SegmentRecord[],
    supervisorId: string,
    startOffsets: StreamOffsets,
    endOffsets: StreamOffsets,
  ): Promise<void> {
    segments.forEach((segment, index) => {
      validateSegmentRecord(segment, `segments[${index}]`);
      rejectNulCharacters(segment, `segments[${index}]`);
    });
    validateIdentifier(supervisorId, 'supervisorId');
    validateOffsets(startOffsets, 'startOffsets');
    validateOffsets(endOffsets, 'endOffsets');
    const distinct = distinctById(segments);
    const nowMs = Date.now();
    await this.transaction(async (client) => {
      await lockDataSources(client, distinct.map((segment) => segment.dataSource));
      const committed = await lockCommittedOffsets(client, supervisorId, nowMs);
      checkStartOffsets(supervisorId, committed, startOffsets);
      await insertSegmentBatches(client, distinct, nowMs);
      const result = await client.query({
        text: 'UPDATE stream_offsets SET offsets = $2, updated_ms = $3 WHERE supervisor_id = $1',
        values: [supervisorId, JSON.stringify(mergeOffsets(committed, endOffsets)), nowMs],
      });
      assert(result.rowCount === 1, `the locked stream_offsets row of ${supervisorId} exists`);
    });
  }

  async resetOffsets(supervisorId: string, audit: Pick<AuditEntry, 'author' | 'comment'>): Promise<void> {
    validateIdentifier(supervisorId, 'supervisorId');
    validateAuthorAndComment(audit);
    const nowMs = Date.now();
    await this.transaction(async (client) => {
      // Waits for an in-flight publish of this supervisor, then forgets what it committed.
      const sql = 'DELETE FROM stream_offsets WHERE supervisor_id = $1 RETURNING offsets';
      const [previous] = await queryRows<{ offsets: string }>(client, sql, [supervisorId]);
      const previousOffsets = previous === undefined ? null : offsetsFromColumn(previous.offsets);
      const entry = { key: `supervisor:${supervisorId}`, type: 'reset', ...audit, payload: { previousOffsets }, createdMs: nowMs };
      await insertAudit(client, entry);
    });
  }

  async config(name: string): Promise<unknown> {
    if (!storable(name)) return undefined;
    const [row] = await this.rows<{ payload: string }>('SELECT payload FROM configs WHERE name = $1', [name]);
    return row === undefined ? undefined : (JSON.parse(row.payload) as unknown);
  }

  async setConfig(name: string, value: unknown, audit: Pick<AuditEntry, 'author' | 'comment'>): Promise<void> {
    validateIdentifier(name, 'name');
    validateAuthorAndComment(audit);
    const payload = jsonText(value, 'value');
    const nowMs = Date.now();
    await this.transaction(async (client) => {
      await client.query({
        text: `INSERT INTO configs (name, payload, updated_ms) VALUES ($1, $2, $3)
          ON CONFLICT (name) DO UPDATE SET payload = excluded.payload, updated_ms = excluded.updated_ms`,
        values: [name, payload, nowMs],
      });
      await insertAudit(client, { key: `config:${name}`, type: 'config', ...audit, payload: value, createdMs: nowMs });
    });
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    validateIdentifier(entry.key, 'key');
    validateIdentifier(entry.type, 'type');
    validateAuthorAndComment(entry);
    if (!Number.isSafeInteger(entry.createdMs)) throw invalidInput('createdMs', 'must be integer ms');
    await insertAudit(this.pool, entry);
  }

  /** Entries for a key, oldest first; entries of the same millisecond in the order they were inserted. */
  async auditLog(key: string): Promise<AuditEntry[]> {
    if (!storable(key)) return [];
    const sql = `SELECT ${auditColumns} FROM audit_log WHERE audit_key = $1 ORDER BY created_ms, insertion_order`;
    return (await this.rows<AuditRow>(sql, [key])).map(auditEntryFromRow);
  }

  async deleteUnusedSegments(segmentIds: readonly string[]): Promise<number> {
    // An id PostgreSQL cannot store names no segment.
    const ids = [...new Set(segmentIds.filter(storable))];
    if (ids.length === 0) return 0;
    return this.transaction(async (client) => {
      const usedRows = await queryRows<{ id: string }>(client, 'SELECT id FROM segments WHERE id = ANY($1::text[]) AND used', [ids]);
      if (usedRows.length > 0) {
        const used = new Set(usedRows.map((row) => row.id));
        const first = ids.find((id) => used.has(id));
        throw new SedimentError('conflict', `segment ${first} is used; mark it unused before killing it`);
      }
      // "AND NOT used" re-checks each row as it is deleted; no segment turns used again once unused.
      const result = await client.query({ text: 'DELETE FROM segments WHERE id = ANY($1::text[]) AND NOT used', values: [ids] });
      return result.rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async rows<Row extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<Row[]> {
    return queryRows<Row>(this.pool, text, values);
  }

  /** Run `work` in one transaction on one pooled connection; roll back if it throws. */
  private async transaction<Result>(work: (client: PoolClient) => Promise<Result>): Promise<Result> {
    const client = await this.pool.connect();
    let brokenConnection: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        brokenConnection = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.release(brokenConnection); // a connection that cannot roll back is discarded, not reused
    }
  }
}

/** PostgreSQL text cannot hold U+0000; say so instead of failing with an encoding error. */
function rejectNulCharacters(segment: SegmentRecord, path: string): void {
  rejectNul(segment.id, `${path}.id`);
  rejectNul(segment.dataSource, `${path}.dataSource`);
  rejectNul(segment.version, `${path}.version`);
  rejectNul(segment.deepStorageKey, `${path}.deepStorageKey`);
}

function rejectNul(value: string, field: string): void {
  if (value.includes('\0')) throw invalidInput(field, 'must not contain NUL characters');
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function validateSupervisorRecord(record: SupervisorRecord): void {
  validateSharedSupervisorRecord(record);
  for (const field of ['id', 'dataSource', 'type'] as const) rejectNul(record[field], field);
}

/** Names and keys: non-empty strings PostgreSQL text can hold. */
function validateIdentifier(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw invalidInput(field, 'must be a non-empty string');
  rejectNul(value, field);
}

/** Whether PostgreSQL text can hold the value; one that it cannot names nothing stored. */
function storable(value: string): boolean {
  return typeof value === 'string' && !value.includes('\0');
}

