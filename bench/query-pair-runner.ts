// Runs one benchmark query on both systems: a warm-up run on each whose answers are compared, then
// `runs` timed hot runs, alternating between the systems so that a burst of load from elsewhere on
// the machine hits both alike. Sediment is timed at the client (HTTP round trip plus JSON parse),
// DuckDB inside its process (execution plus row materialization).
import type { BenchQuery } from './bench-query.js';
import type { QueryResult } from './bench-report.js';
import { druidResultRows } from './druid-result-rows.js';
import type { DuckDbProcess } from './duckdb-process.js';
import type { ResultRow } from './duckdb-protocol.js';
import { compareResults } from './result-comparison.js';
import { nativeQuery } from './sediment-client.js';
import { median } from './statistics.js';

interface Side {
  readonly runsMs: number[];
  rows: ResultRow[] | null;
  error: string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `step` unless the side already failed; a failure is recorded on the side and ends its runs. */
async function onSide(side: Side, label: string, step: () => Promise<void>): Promise<void> {
  if (side.error !== null) return;
  try {
    await step();
  } catch (error) {
    side.error = `${label}: ${messageOf(error)}`;
  }
}

async function warmUp(baseUrl: string, duckDb: DuckDbProcess, query: BenchQuery, sediment: Side, duckDbSide: Side): Promise<void> {
  await onSide(sediment, 'Sediment', async () => {
    sediment.rows = druidResultRows(String(query.native['queryType']), await nativeQuery(baseUrl, query.native));
  });
  await onSide(duckDbSide, 'DuckDB', async () => {
    duckDbSide.rows = (await duckDb.query(query.referenceSql ?? query.sql, 1)).rows;
    // The timed SQL is warmed too when the reference is a different statement.
    if (query.referenceSql !== undefined) await duckDb.query(query.sql, 1, false);
  });
}

async function timedRuns(baseUrl: string, duckDb: DuckDbProcess, query: BenchQuery, runs: number, sediment: Side, duckDbSide: Side): Promise<void> {
  for (let run = 0; run < runs; run++) {
    await onSide(sediment, 'Sediment', async () => {
      const startedMs = performance.now();
      await nativeQuery(baseUrl, query.native);
      sediment.runsMs.push(performance.now() - startedMs);
    });
    await onSide(duckDbSide, 'DuckDB', async () => {
      duckDbSide.runsMs.push(...(await duckDb.query(query.sql, 1, false)).timingsMs);
    });
  }
}

function problemOf(query: BenchQuery, sediment: Side, duckDb: Side): string | null {
  const errors = [sediment.error, duckDb.error].filter((error): error is string => error !== null);
  if (errors.length > 0) return errors.join('; ');
  try {
    return compareResults(query, sediment.rows ?? [], duckDb.rows ?? []).detail;
  } catch (error) {
    return `comparison failed: ${messageOf(error)}`;
  }
}

export async function runQueryPair(baseUrl: string, duckDb: DuckDbProcess, query: BenchQuery, runs: number): Promise<QueryResult> {
  const sediment: Side = { runsMs: [], rows: null, error: null };
  const duckDbSide: Side = { runsMs: [], rows: null, error: null };
  await warmUp(baseUrl, duckDb, query, sediment, duckDbSide);
  await timedRuns(baseUrl, duckDb, query, runs, sediment, duckDbSide);
  const sedimentMedianMs = sediment.error === null ? median(sediment.runsMs) : null;
  const duckDbMedianMs = duckDbSide.error === null ? median(duckDbSide.runsMs) : null;
  const problem = problemOf(query, sediment, duckDbSide);
  return {
    name: query.name,
    description: query.description,
    native: query.native,
    sql: query.sql,
    sedimentMedianMs,
    duckDbMedianMs,
    ratio: sedimentMedianMs !== null && duckDbMedianMs !== null && duckDbMedianMs > 0 ? sedimentMedianMs / duckDbMedianMs : null,
    sedimentRunsMs: sediment.runsMs,
    duckDbRunsMs: duckDbSide.runsMs,
    sedimentRows: sediment.rows?.length ?? null,
    duckDbRows: duckDbSide.rows?.length ?? null,
    match: problem === null,
    problem,
  };
}
