// The DuckDB side of the benchmark, run as a child process (forked by duckdb-process.ts) so its CPU
// and peak memory are its own. Queries are timed here, around execution plus materializing the rows
// as JS objects, which is what an embedding client pays; IPC to the harness is not timed.
import { DuckDBInstance, version, type DuckDBConnection } from '@duckdb/node-api';
import type { DuckDbRequest, DuckDbResponse, ResultRow } from './duckdb-protocol.js';

let instance: DuckDBInstance | null = null;
let connection: DuckDBConnection | null = null;

function openConnection(): DuckDBConnection {
  if (connection === null) throw new Error('the database is not open');
  return connection;
}

/** BIGINT and HUGEINT arrive as bigint and TIMESTAMP as Date; the harness compares plain numbers. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  return value;
}

async function runQuery(sql: string): Promise<ResultRow[]> {
  const reader = await openConnection().runAndReadAll(sql);
  const rows = reader.getRowObjectsJS();
  for (const row of rows) {
    for (const key of Object.keys(row)) (row as ResultRow)[key] = plainValue(row[key]);
  }
  return rows as ResultRow[];
}

async function handle(request: DuckDbRequest): Promise<DuckDbResponse> {
  const startedMs = performance.now();
  switch (request.kind) {
    case 'open':
      instance = await DuckDBInstance.create(request.databasePath, { threads: String(request.threads) });
      connection = await instance.connect();
      return { id: request.id, ok: true, elapsedMs: performance.now() - startedMs };
    case 'execute':
      await openConnection().run(request.sql);
      return { id: request.id, ok: true, elapsedMs: performance.now() - startedMs };
    case 'query': {
      const timingsMs: number[] = [];
      let rows: ResultRow[] = [];
      for (let run = 0; run < request.runs; run++) {
        const runStartedMs = performance.now();
        rows = await runQuery(request.sql);
        timingsMs.push(performance.now() - runStartedMs);
      }
      return { id: request.id, ok: true, elapsedMs: performance.now() - startedMs, timingsMs, ...(request.returnRows ? { rows } : {}) };
    }
    case 'version':
      return { id: request.id, ok: true, elapsedMs: 0, version: version() };
    case 'close':
      connection?.closeSync();
      instance?.closeSync();
      connection = null;
      instance = null;
      return { id: request.id, ok: true, elapsedMs: performance.now() - startedMs };
  }
}

process.on('message', (request: DuckDbRequest) => {
  void handle(request)
    .catch((error: unknown): DuckDbResponse => ({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }))
    .then((response) => process.send?.(response));
});
process.on('disconnect', () => process.exit(0));
