// Messages between the harness and its DuckDB child process (bench/duckdb-worker.ts).

/** One result row with plain JS values: numbers (BIGINT/HUGEINT converted), strings, null. */
export type ResultRow = Record<string, unknown>;

export type DuckDbRequest =
  | { readonly id: number; readonly kind: 'open'; readonly databasePath: string; readonly threads: number }
  /** Runs statements and discards results; replies with the elapsed time. */
  | { readonly id: number; readonly kind: 'execute'; readonly sql: string }
  /** Runs the query `runs` times; replies with every run's time and, if `returnRows`, the last run's rows. */
  | { readonly id: number; readonly kind: 'query'; readonly sql: string; readonly runs: number; readonly returnRows: boolean }
  | { readonly id: number; readonly kind: 'version' }
  | { readonly id: number; readonly kind: 'close' };

export type DuckDbResponse =
  | { readonly id: number; readonly ok: true; readonly elapsedMs: number; readonly timingsMs?: number[]; readonly rows?: ResultRow[]; readonly version?: string }
  | { readonly id: number; readonly ok: false; readonly message: string };
