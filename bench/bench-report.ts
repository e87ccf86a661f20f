// The shape of a benchmark report (written as JSON, rendered as Markdown by markdown-report.ts).

export type SuiteName = 'events' | 'devops';

export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly nodeVersion: string;
  readonly duckDbVersion: string;
}

export interface QueryResult {
  readonly name: string;
  readonly description: string;
  /** What was sent to Sediment and to DuckDB, so a reader can reproduce any number or mismatch. */
  readonly native: Readonly<Record<string, unknown>>;
  readonly sql: string;
  /** Median of the hot runs; null when Sediment failed the query. */
  readonly sedimentMedianMs: number | null;
  readonly duckDbMedianMs: number | null;
  /** Sediment / DuckDB medians; null when either failed. */
  readonly ratio: number | null;
  readonly sedimentRunsMs: readonly number[];
  readonly duckDbRunsMs: readonly number[];
  readonly sedimentRows: number | null;
  readonly duckDbRows: number | null;
  /** Both answered and the answers agree. */
  readonly match: boolean;
  /** How the answers differ, or why a system failed; null when they match. */
  readonly problem: string | null;
}

export interface SedimentIngestionResult {
  readonly dataSource: string;
  readonly rollup: boolean;
  readonly rowsProcessed: number;
  /** Submit → segments published. */
  readonly wallMs: number;
  /** Submit → segments served. */
  readonly queryableWallMs: number;
  readonly rowsPerSecond: number;
  readonly rowsPerSecondPerCore: number;
  readonly segments: number;
  readonly storedRows: number;
  readonly segmentBytes: number;
}

export interface DuckDbLoadResult {
  readonly rows: number;
  /** CREATE TABLE AS … read_json + CHECKPOINT. */
  readonly wallMs: number;
  readonly rowsPerSecond: number;
  readonly rowsPerSecondPerCore: number;
  /** Database file plus write-ahead log after the checkpoint. */
  readonly databaseBytes: number;
}

export interface PeakMemory {
  /** VmHWM during loading/ingestion; null when unavailable. */
  readonly loadPeakBytes: number | null;
  /** VmHWM while running the query suite (reset after loading). */
  readonly queryPeakBytes: number | null;
}

export interface ColdStartResult {
  /** Process start → ready to answer (Sediment: healthy and segments served; DuckDB: database open). */
  readonly readyMs: number;
  /** The first query after the restart. */
  readonly firstQueryMs: number;
}

export interface TargetResult {
  readonly name: string;
  /** The measured value the threshold applies to; null when it could not be measured. */
  readonly value: number | null;
  /** Human-readable threshold, e.g. "≤ 1.0". */
  readonly threshold: string;
  /** null when not measurable. */
  readonly pass: boolean | null;
}

export interface ProfileEntry {
  readonly functionName: string;
  /** Script URL and line. */
  readonly location: string;
  readonly selfMs: number;
  readonly selfPercent: number;
}

export interface SuiteResult {
  readonly suite: SuiteName;
  readonly dataset: { readonly name: string; readonly rows: number; readonly fileBytes: number; readonly parameters: string };
  readonly sedimentIngestion: SedimentIngestionResult | null;
  readonly sedimentRollupIngestion: SedimentIngestionResult | null;
  readonly duckDbLoad: DuckDbLoadResult | null;
  readonly sedimentMemory: PeakMemory;
  readonly duckDbMemory: PeakMemory;
  readonly queries: readonly QueryResult[];
  /** Geometric mean of the ratios of the queries both systems answered. */
  readonly geometricMeanRatio: number | null;
  readonly coldStartQuery: string;
  readonly sedimentColdStart: ColdStartResult | null;
  readonly duckDbColdStart: ColdStartResult | null;
  readonly targets: readonly TargetResult[];
  /** Hottest functions of the Sediment process during ingestion and during the queries (with --profile). */
  readonly sedimentProfiles: { readonly ingestion: readonly ProfileEntry[] | null; readonly queries: readonly ProfileEntry[] | null } | null;
  /** Failures outside single queries (ingestion, restart, …). */
  readonly errors: readonly string[];
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineDescription;
  readonly options: Readonly<Record<string, unknown>>;
  readonly suites: readonly SuiteResult[];
}
