// The embedded metadata store: one SQLite file (better-sqlite3), WAL journal, synchronous=FULL so an
// acknowledged publish survives a crash or power loss. better-sqlite3 is synchronous; the async
// MetadataStore methods resolve after the statement has committed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as DatabaseConnection, Statement } from 'better-sqlite3';
import { SedimentError, invalidInput } from './errors.js';
import type { MetadataStore, SegmentRecord, TaskRecord } from './metadata-store.js';
import type { AuditEntry, IngestionMetadataStore, StreamOffsets, SupervisorRecord } from './ingestion-metadata-store.js';
import { checkStartOffsets, mergeOffsets } from './stream-offsets.js';
import { checkPublishPrecondition, type PublishPrecondition } from './publish-precondition.js';
import {
  jsonText,
  taskStates,
  validateAuthorAndComment,
  validateOffsets,
  validateSegmentRecord,
  validateSupervisorRecord,
  validateTaskRecord,
} from './metadata-record-validation.js';
import { migrations, schemaMigrationsTable } from './metadata-schema.js';
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

/** SQLite waits this long for another process's write lock before failing with SQLITE_BUSY. */
const busyTimeoutMs = 10_000;

export class SqliteMetadataStore implements MetadataStore, IngestionMetadataStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  private constructor(private readonly db: DatabaseConnection) {
    this.statements = prepareStatements(db);
  }

  /** Open (creating if absent) the database file and bring its schema up to date. */
  static open(path: string): SqliteMetadataStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      applyMigrations(db);
      return new SqliteMetadataStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async publishSegments(segments: readonly SegmentRecord[], markUnused: readonly string[] = [], precondition?: PublishPrecondition): Promise<void> {
    segments.forEach((segment, index) => validateSegmentRecord(segment, `segments[${index}]`));
    const nowMs = Date.now();
    // IMMEDIATE transactions hold SQLite's write lock from the start, so the check cannot race a publish.
    this.db.transaction(() => {
      if (precondition !== undefined) {
        const { dataSource, interval } = precondition;
        const rows = this.statements.usedOfDataSourceOverlapping.all(dataSource, interval.endMs, interval.startMs) as SegmentRow[];
        checkPublishPrecondition(precondition, rows.map((row) => row.id));
      }
      for (const segment of segments) this.insertSegment(segment, nowMs);
      for (const id of markUnused) this.statements.markUnused.run(nowMs, id);
    }).immediate();
  }

  /** Insert one segment as used; an identical used row is a retried publish and is left alone. */
  private insertSegment(segment: SegmentRecord, nowMs: number): void {
    const payload = JSON.stringify(segment.info);
    const existing = this.statements.segmentById.get(segment.id) as SegmentRow | undefined;
    if (existing !== undefined) {
      const identical = existing.used === 1 && existing.deep_storage_key === segment.deepStorageKey && existing.payload === payload;
      if (identical) return;
      throw new SedimentError('conflict', `segment ${segment.id} is already published; a new publish needs a new version`);
    }
    this.statements.insertSegment.run({
      id: segment.id,
      dataSource: segment.dataSource,
      startMs: segment.interval.startMs,
      endMs: segment.interval.endMs,
      version: segment.version,
      partition: segment.partition,
      deepStorageKey: segment.deepStorageKey,
      sizeBytes: segment.sizeBytes,
      payload,
      createdMs: segment.createdMs,
      updatedMs: nowMs,
    });
  }

  async usedSegments(dataSource?: string, interval?: TimeInterval): Promise<SegmentRecord[]> {
    const { statements } = this;
    let rows: unknown[];
    if (dataSource === undefined && interval === undefined) rows = statements.usedAll.all();
    else if (interval === undefined) rows = statements.usedOfDataSource.all(dataSource);
    else if (dataSource === undefined) rows = statements.usedOverlapping.all(interval.endMs, interval.startMs);
    else rows = statements.usedOfDataSourceOverlapping.all(dataSource, interval.endMs, interval.startMs);
    return (rows as SegmentRow[]).map(segmentFromRow);
  }

  async allSegments(dataSource: string): Promise<SegmentRecord[]> {
    return (this.statements.allOfDataSource.all(dataSource) as SegmentRow[]).map(segmentFromRow);
  }

  /** One segment by id, used or not; undefined if it was never published. */
  async segment(id: string): Promise<SegmentRecord | undefined> {
    const row = this.statements.segmentById.get(id) as SegmentRow | undefined;
    return row === undefined ? undefined : segmentFromRow(row);
  }

  /**
   * Segments (used or not) whose used status changed — published or marked unused — at or after
   * `sinceMs`, for incremental polling. The caller applies them idempotently and should pass its
   * previous poll's start time minus a margin longer than any write transaction, because a
   * transaction stamped before a poll may commit after it.
   */
  async segmentsChangedSince(sinceMs: number): Promise<SegmentRecord[]> {
    return (this.statements.changedSince.all(sinceMs) as SegmentRow[]).map(segmentFromRow);
  }

  async markUnused(segmentIds: readonly string[]): Promise<number> {
    const nowMs = Date.now();
    return this.db.transaction(() => {
      let changed = 0;
      for (const id of segmentIds) changed += this.statements.markUnused.run(nowMs, id).changes;
      return changed;
    }).immediate();
  }

  async dataSources(): Promise<string[]> {
    return (this.statements.dataSources.all() as { data_source: string }[]).map((row) => row.data_source);
  }

  async insertTask(task: TaskRecord): Promise<void> {
    validateTaskRecord(task);
    const result = this.statements.insertTask.run({
      id: task.id,
      type: task.type,
      dataSource: task.dataSource,
      state: task.state,
      createdMs: task.createdMs,
      durationMs: task.durationMs,
      errorMessage: task.errorMessage,
      spec: JSON.stringify(task.spec ?? null),
      report: task.report === null || task.report === undefined ? null : JSON.stringify(task.report),
    });
    if (result.changes === 0) throw new SedimentError('conflict', `task ${task.id} already exists`);
  }

  async updateTask(
    id: string,
    change: Partial<Pick<TaskRecord, 'state' | 'durationMs' | 'errorMessage' | 'report'>>,
  ): Promise<void> {
    if (change.state !== undefined && !taskStates.includes(change.state)) {
      throw invalidInput('state', `must be one of ${taskStates.join(', ')}`);
    }
    const result = this.statements.updateTask.run({
      id,
      setState: change.state === undefined ? 0 : 1,
      state: change.state ?? null,
      setDuration: 'durationMs' in change ? 1 : 0,
      durationMs: change.durationMs ?? null,
      setError: 'errorMessage' in change ? 1 : 0,
      errorMessage: change.errorMessage ?? null,
      setReport: 'report' in change ? 1 : 0,
      report: change.report === null || change.report === undefined ? null : JSON.stringify(change.report),
    });
    if (result.changes === 0) throw new SedimentError('not_found', `task ${id} does not exist`);
  }

  async task(id: string): Promise<TaskRecord | undefined> {
    const row = this.statements.taskById.get(id) as TaskRow | undefined;
    return row === undefined ? undefined : taskFromRow(row);
  }

  /** All tasks, newest first. */
  async tasks(): Promise<TaskRecord[]> {
    return (this.statements.allTasks.all() as TaskRow[]).map(taskFromRow);
  }

  async upsertSupervisor(record: SupervisorRecord): Promise<void> {
    validateSupervisorRecord(record);
    this.statements.upsertSupervisor.run({ ...record, spec: jsonText(record.spec, 'spec') });
  }

  async supervisor(id: string): Promise<SupervisorRecord | undefined> {
    const row = this.statements.supervisorById.get(id) as SupervisorRow | undefined;
    return row === undefined ? undefined : supervisorFromRow(row);
  }

  async supervisors(): Promise<SupervisorRecord[]> {
    return (this.statements.allSupervisors.all() as SupervisorRow[]).map(supervisorFromRow);
  }

  async committedOffsets(supervisorId: string): Promise<StreamOffsets | null> {
    const row = this.statements.offsetsById.get(supervisorId) as { offsets: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.offsets) as StreamOffsets);
  }

  async publishSegmentsWithOffsets(
    segments: readonly SegmentRecord[],
    supervisorId: string,
    startOffsets: StreamOffsets,
    endOffsets: StreamOffsets,
  ): Promise<void> {
    segments.forEach((segment, index) => validateSegmentRecord(segment, `segments[${index}]`));
    validateOffsets(startOffsets, 'startOffsets');
    validateOffsets(endOffsets, 'endOffsets');
    const nowMs = Date.now();
    this.db.transaction(() => {
      const row = this.statements.offsetsById.get(supervisorId) as { offsets: string } | undefined;
      const committed = row === undefined ? null : (JSON.parse(row.offsets) as StreamOffsets);
      checkStartOffsets(supervisorId, committed, startOffsets);
      for (const segment of segments) this.insertSegment(segment, nowMs);
      this.statements.upsertOffsets.run(supervisorId, JSON.stringify(mergeOffsets(committed, endOffsets)), nowMs);
    }).immediate();
  }

  async resetOffsets(supervisorId: string, audit: Pick<AuditEntry, 'author' | 'comment'>): Promise<void> {
    validateAuthorAndComment(audit);
    const nowMs = Date.now();
    this.db.transaction(() => {
      const previous = this.statements.offsetsById.get(supervisorId) as { offsets: string } | undefined;
      this.statements.deleteOffsets.run(supervisorId);
      this.insertAudit({ key: `supervisor:${supervisorId}`, type: 'reset', ...audit, payload: { previousOffsets: previous === undefined ? null : JSON.parse(previous.offsets) }, createdMs: nowMs });
    }).immediate();
  }

  async config(name: string): Promise<unknown> {
    const row = this.statements.configByName.get(name) as { payload: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.payload) as unknown);
  }

  async setConfig(name: string, value: unknown, audit: Pick<AuditEntry, 'author' | 'comment'>): Promise<void> {
    validateAuthorAndComment(audit);
    const payload = jsonText(value, 'value');
    const nowMs = Date.now();
    this.db.transaction(() => {
      this.statements.upsertConfig.run(name, payload, nowMs);
      this.insertAudit({ key: `config:${name}`, type: 'config', ...audit, payload: value, createdMs: nowMs });
    }).immediate();
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.insertAudit(entry);
  }

  async auditLog(key: string): Promise<AuditEntry[]> {
    return (this.statements.auditByKey.all(key) as AuditRow[]).map(auditEntryFromRow);
  }

  async deleteUnusedSegments(segmentIds: readonly string[]): Promise<number> {
    return this.db.transaction(() => {
      for (const id of segmentIds) {
        const row = this.statements.segmentById.get(id) as SegmentRow | undefined;
        if (row !== undefined && row.used === 1) throw new SedimentError('conflict', `segment ${id} is used; mark it unused before killing it`);
      }
      let deleted = 0;
      for (const id of segmentIds) deleted += this.statements.deleteUnusedSegment.run(id).changes;
      return deleted;
    }).immediate();
  }

  private insertAudit(entry: AuditEntry): void {
    validateAuthorAndComment(entry);
    this.statements.insertAudit.run(entry.key, entry.type, entry.author, entry.comment, jsonText(entry.payload ?? null, 'payload'), entry.createdMs);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function prepareStatements(db: DatabaseConnection) {
  const select = `SELECT ${segmentColumns} FROM segments`;
  const overlaps = 'start_ms < ? AND end_ms > ?';
  const prepare = (sql: string): Statement => db.prepare(sql);
  return {
    segmentById: prepare(`${select} WHERE id = ?`),
    insertSegment: prepare(
      `INSERT INTO segments (${segmentColumns}, used_status_last_updated_ms)
       VALUES (@id, @dataSource, @startMs, @endMs, @version, @partition, TRUE, @deepStorageKey, @sizeBytes, @payload, @createdMs, @updatedMs)`,
    ),
    markUnused: prepare('UPDATE segments SET used = FALSE, used_status_last_updated_ms = ? WHERE id = ? AND used'),
    usedAll: prepare(`${select} WHERE used ${segmentOrder}`),
    usedOfDataSource: prepare(`${select} WHERE data_source = ? AND used ${segmentOrder}`),
    usedOverlapping: prepare(`${select} WHERE used AND ${overlaps} ${segmentOrder}`),
    usedOfDataSourceOverlapping: prepare(`${select} WHERE data_source = ? AND used AND ${overlaps} ${segmentOrder}`),
    allOfDataSource: prepare(`${select} WHERE data_source = ? ${segmentOrder}`),
    changedSince: prepare(`${select} WHERE used_status_last_updated_ms >= ? ${segmentOrder}`),
    dataSources: prepare('SELECT DISTINCT data_source FROM segments WHERE used ORDER BY data_source'),
    insertTask: prepare(
      `INSERT INTO tasks (id, type, data_source, state, created_ms, duration_ms, error_message, spec, report)
       VALUES (@id, @type, @dataSource, @state, @createdMs, @durationMs, @errorMessage, @spec, @report)
       ON CONFLICT (id) DO NOTHING`,
    ),
    // One statement for every subset of fields: a flag per field says whether to overwrite it.
    updateTask: prepare(
      `UPDATE tasks SET
         state = CASE WHEN @setState = 1 THEN @state ELSE state END,
         duration_ms = CASE WHEN @setDuration = 1 THEN @durationMs ELSE duration_ms END,
         error_message = CASE WHEN @setError = 1 THEN @errorMessage ELSE error_message END,
         report = CASE WHEN @setReport = 1 THEN @report ELSE report END
       WHERE id = @id`,
    ),
    taskById: prepare('SELECT * FROM tasks WHERE id = ?'),
    upsertSupervisor: prepare(
      `INSERT INTO supervisors (id, data_source, type, spec, state, created_ms, updated_ms)
       VALUES (@id, @dataSource, @type, @spec, @state, @createdMs, @updatedMs)
       ON CONFLICT (id) DO UPDATE SET data_source = excluded.data_source, type = excluded.type, spec = excluded.spec,
         state = excluded.state, updated_ms = excluded.updated_ms`,
    ),
    supervisorById: prepare('SELECT * FROM supervisors WHERE id = ?'),
    allSupervisors: prepare('SELECT * FROM supervisors ORDER BY id'),
    offsetsById: prepare('SELECT offsets FROM stream_offsets WHERE supervisor_id = ?'),
    upsertOffsets: prepare(
      `INSERT INTO stream_offsets (supervisor_id, offsets, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (supervisor_id) DO UPDATE SET offsets = excluded.offsets, updated_ms = excluded.updated_ms`,
    ),
    deleteOffsets: prepare('DELETE FROM stream_offsets WHERE supervisor_id = ?'),
    configByName: prepare('SELECT payload FROM configs WHERE name = ?'),
    upsertConfig: prepare(
      `INSERT INTO configs (name, payload, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET payload = excluded.payload, updated_ms = excluded.updated_ms`,
    ),
    insertAudit: prepare('INSERT INTO audit_log (audit_key, audit_type, author, comment, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    auditByKey: prepare('SELECT * FROM audit_log WHERE audit_key = ? ORDER BY created_ms, rowid'),
    deleteUnusedSegment: prepare('DELETE FROM segments WHERE id = ? AND NOT used'),
    allTasks: prepare('SELECT * FROM tasks ORDER BY created_ms DESC, id'),
  };
}

function applyMigrations(db: DatabaseConnection): void {
  db.exec(schemaMigrationsTable);
  db.transaction(() => {
    const appliedRows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const applied = new Set(appliedRows.map((row) => row.version));
    const newestKnown = migrations[migrations.length - 1]?.version ?? 0;
    const newestApplied = Math.max(0, ...applied);
    if (newestApplied > newestKnown) {
      throw new SedimentError(
        'conflict',
        `metadata schema version ${newestApplied} is newer than this Sediment supports (${newestKnown}); upgrade Sediment`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_ms) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) db.exec(statement);
      record.run(migration.version, migration.description, Date.now());
    }
  }).immediate();
}

