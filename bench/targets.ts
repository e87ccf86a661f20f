// The targets, evaluated per suite. Reported as pass/fail, never asserted: this is a
// benchmark, not a test.
import type { QueryResult, SuiteResult, TargetResult } from './bench-report.js';

const ingestionRowsPerSecondPerCoreMin = 200_000;

function target(name: string, value: number | null, threshold: string, passes: (value: number) => boolean): TargetResult {
  return { name, value, threshold, pass: value === null || Number.isNaN(value) ? null : passes(value) };
}

function maxRatio(queries: readonly QueryResult[]): number | null {
  const ratios = queries.map((query) => query.ratio).filter((ratio): ratio is number => ratio !== null);
  return ratios.length === 0 ? null : Math.max(...ratios);
}

export function suiteTargets(suite: Omit<SuiteResult, 'targets'>): TargetResult[] {
  const segmentBytes = suite.sedimentIngestion?.segmentBytes ?? null;
  const databaseBytes = suite.duckDbLoad?.databaseBytes ?? null;
  const targets = [
    target('geometric mean Sediment/DuckDB', suite.geometricMeanRatio, '≤ 1.0', (value) => value <= 1.0),
    target('slowest query Sediment/DuckDB', maxRatio(suite.queries), '≤ 2.0', (value) => value <= 2.0),
    target('ingestion rows/s per core', suite.sedimentIngestion?.rowsPerSecondPerCore ?? null, `≥ ${ingestionRowsPerSecondPerCoreMin.toLocaleString('en-US')}`, (value) => value >= ingestionRowsPerSecondPerCoreMin),
    target('segment bytes / DuckDB bytes', segmentBytes !== null && databaseBytes !== null && databaseBytes > 0 ? segmentBytes / databaseBytes : null, '≤ 1.0', (value) => value <= 1.0),
  ];
  const filteredCount = suite.queries.find((query) => query.name === 'filtered-count');
  if (filteredCount !== undefined) {
    targets.push(target('filtered count (bitmap) Sediment/DuckDB', filteredCount.ratio, '≤ 0.5', (value) => value <= 0.5));
  }
  return targets;
}
