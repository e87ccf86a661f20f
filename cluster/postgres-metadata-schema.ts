// The shared metadata schema (metadata-schema.ts) in PostgreSQL's dialect. The migrations and their
// versions are the shared ones; two things differ, both below:
// - Every TEXT column is COLLATE "C". SQLite orders text by its UTF-8 bytes; PostgreSQL would order
//   by the database's locale (where 'a' < 'B'), so results and the "ordered by datasource, version"
//   contract would depend on how the server was initialised. "C" is byte order, and faster to compare.
// - PostgreSQL-only statements, keyed by the migration that adds them: extra indexes for a metadata
//   table of a million segments, and an identity column for audit_log's insertion order (SQLite
//   has it for free as rowid; PostgreSQL's heap order is not insertion order).
import { migrations, schemaMigrationsTable } from './metadata-schema.js';
import type { Migration } from './metadata-schema.js';

export const postgresSchemaMigrationsTable = schemaMigrationsTable;

/** PostgreSQL-only statements, applied after the shared statements of the migration with that version. */
const postgresOnlyStatements: ReadonlyMap<number, readonly string[]> = new Map([
  [
    1,
    [
      // Only used segments, ordered by end: a query for recent data (the common dashboard case)
      // reads just the segments ending after its start, where the shared (data_source, used,
      // start_ms, end_ms) index would walk every older segment of the datasource. The planner
      // picks whichever of the two bounds is narrower. It also serves the datasource-name skip scan.
      `CREATE INDEX IF NOT EXISTS segments_used_data_source_end
        ON segments (data_source, end_ms, start_ms) WHERE used`,
    ],
  ],
  [
    2,
    [
      // Ties the order of audit entries with equal created_ms to the order they were inserted, as
      // SQLite's "ORDER BY created_ms, rowid" does. The (audit_key, created_ms) index still finds
      // a key's entries; sorting the few that share a millisecond is an incremental sort.
      `ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS insertion_order BIGINT GENERATED ALWAYS AS IDENTITY`,
    ],
  ],
]);

export const postgresMigrations: readonly Migration[] = migrations.map((migration) => ({
  version: migration.version,
  description: migration.description,
  statements: [
    ...migration.statements.map(withByteOrderText),
    ...(postgresOnlyStatements.get(migration.version) ?? []),
  ],
}));

/** `TEXT` → `TEXT COLLATE "C"` in column definitions. */
function withByteOrderText(statement: string): string {
  return statement.replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
}
