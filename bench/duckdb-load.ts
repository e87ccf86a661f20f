// Loading a dataset file into DuckDB: one CREATE TABLE AS over read_json with the schema spelled out
// (no sampling-based type detection), then a CHECKPOINT so the data is in the database file.
import type { Dataset, DatasetColumnType } from './dataset.js';
import type { DuckDbProcess } from './duckdb-process.js';

const duckDbTypes: Readonly<Record<DatasetColumnType, string>> = {
  timestamp: 'BIGINT',
  string: 'VARCHAR',
  long: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
};

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The statement that creates the table `dataset.name` from the file; the timestamp becomes `__time TIMESTAMP`. */
export function duckDbLoadSql(dataset: Dataset): string {
  const schema = dataset.columns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(duckDbTypes[column.type])}`).join(', ');
  const selected = dataset.columns.map((column) => (column.type === 'timestamp' ? `epoch_ms("${column.name}") AS __time` : `"${column.name}"`));
  return [
    `CREATE OR REPLACE TABLE ${dataset.name} AS SELECT ${selected.join(', ')}`,
    `FROM read_json(${quoteLiteral(dataset.file)}, format = 'newline_delimited', columns = {${schema}});`,
  ].join('\n');
}

export interface DuckDbLoadOutcome {
  readonly rows: number;
  /** From the start of the load to the end of the checkpoint. */
  readonly wallMs: number;
}

export async function loadIntoDuckDb(duckDb: DuckDbProcess, dataset: Dataset): Promise<DuckDbLoadOutcome> {
  const startedMs = performance.now();
  await duckDb.execute(duckDbLoadSql(dataset));
  await duckDb.execute('CHECKPOINT');
  const wallMs = performance.now() - startedMs;
  const counted = await duckDb.query(`SELECT count(*) AS row_count FROM ${dataset.name}`, 1);
  return { rows: Number(counted.rows[0]?.['row_count'] ?? 0), wallMs };
}
