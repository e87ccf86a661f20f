// The metadata schema as ordered migrations. Every statement is SQL that SQLite and PostgreSQL both
// accept (TEXT, BIGINT, INTEGER, BOOLEAN; TRUE/FALSE literals; IF NOT EXISTS), so the embedded store
// and the cluster store share one schema and one history of changes.

export interface Migration {
  /** Strictly increasing; recorded in schema_migrations once applied. */
  readonly version: number;
  readonly description: string;
  /** Statements applied in order, inside one transaction with the version's record. */
  readonly statements: readonly string[];
}

/** Created before anything else, so the applied versions can be read. */
export const schemaMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_ms BIGINT NOT NULL
)`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'segments and tasks',
    statements: [
      `CREATE TABLE IF NOT EXISTS segments (
        id TEXT PRIMARY KEY,
        data_source TEXT NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL,
        version TEXT NOT NULL,
        partition_number INTEGER NOT NULL,
        used BOOLEAN NOT NULL,
        deep_storage_key TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        payload TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        used_status_last_updated_ms BIGINT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS segments_data_source_used_interval
        ON segments (data_source, used, start_ms, end_ms)`,
      `CREATE INDEX IF NOT EXISTS segments_used_status_last_updated
        ON segments (used_status_last_updated_ms)`,
      `CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        data_source TEXT NOT NULL,
        state TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        duration_ms BIGINT,
        error_message TEXT,
        spec TEXT NOT NULL,
        report TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS tasks_created ON tasks (created_ms)`,
    ],
  },
  {
    version: 2,
    description: 'supervisors, stream offsets, configs, audit log',
    statements: [
      `CREATE TABLE IF NOT EXISTS supervisors (
        id TEXT PRIMARY KEY,
        data_source TEXT NOT NULL,
        type TEXT NOT NULL,
        spec TEXT NOT NULL,
        state TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS stream_offsets (
        supervisor_id TEXT PRIMARY KEY,
        offsets TEXT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS configs (
        name TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS audit_log (
        audit_key TEXT NOT NULL,
        audit_type TEXT NOT NULL,
        author TEXT NOT NULL,
        comment TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_ms BIGINT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS audit_log_key ON audit_log (audit_key, created_ms)`,
    ],
  },
];
