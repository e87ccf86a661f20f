// Checks that Sediment and DuckDB answered the same. Numbers match within a relative tolerance of
// 1e-9 (sums of doubles differ in the last bits with summation order); everything else exactly.
import type { BenchQuery, Comparison } from './bench-query.js';
import type { ResultRow } from './duckdb-protocol.js';

export const relativeToleranceDefault = 1e-9;

export interface ComparisonOutcome {
  readonly match: boolean;
  /** Why not, naming the first differing row; null on a match. */
  readonly detail: string | null;
}

const matched: ComparisonOutcome = { match: true, detail: null };

function mismatch(detail: string): ComparisonOutcome {
  return { match: false, detail };
}

/** Equal up to `relativeTolerance` for numbers; null and undefined are the same missing value. */
export function valuesEqual(left: unknown, right: unknown, relativeTolerance = relativeToleranceDefault): boolean {
  const a = left === undefined ? null : left;
  const b = right === undefined ? null : right;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
    return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function project(row: ResultRow, columns: readonly string[]): unknown[] {
  return columns.map((column) => (row[column] === undefined ? null : row[column]));
}

function rowsEqual(left: unknown[], right: unknown[], relativeTolerance: number): boolean {
  return left.length === right.length && left.every((value, index) => valuesEqual(value, right[index], relativeTolerance));
}

function show(row: unknown[] | undefined, columns: readonly string[]): string {
  if (row === undefined) return '(no row)';
  return `{${columns.map((column, index) => `${column}: ${JSON.stringify(row[index])}`).join(', ')}}`;
}

function compareSequences(sediment: unknown[][], duckDb: unknown[][], columns: readonly string[], relativeTolerance: number): ComparisonOutcome {
  if (sediment.length !== duckDb.length) {
    const firstDifferent = sediment.findIndex((row, index) => duckDb[index] === undefined || !rowsEqual(row, duckDb[index] as unknown[], relativeTolerance));
    const at = firstDifferent === -1 ? Math.min(sediment.length, duckDb.length) : firstDifferent;
    return mismatch(`Sediment returned ${sediment.length} rows, DuckDB ${duckDb.length}; first difference at row ${at}: Sediment ${show(sediment[at], columns)}, DuckDB ${show(duckDb[at], columns)}`);
  }
  for (let index = 0; index < sediment.length; index++) {
    if (!rowsEqual(sediment[index] as unknown[], duckDb[index] as unknown[], relativeTolerance)) {
      return mismatch(`row ${index} differs: Sediment ${show(sediment[index], columns)}, DuckDB ${show(duckDb[index], columns)}`);
    }
  }
  return matched;
}

/** Sorts by the key columns (exact values), so float noise in other columns cannot reorder rows. */
function sortedByKeys(rows: unknown[][], keyIndexes: readonly number[]): unknown[][] {
  const keyed = rows.map((row) => ({ key: JSON.stringify(keyIndexes.map((index) => row[index])), row }));
  keyed.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
  return keyed.map((entry) => entry.row);
}

function compareUnordered(sediment: unknown[][], duckDb: unknown[][], columns: readonly string[], keys: readonly string[]): ComparisonOutcome {
  const keyIndexes = keys.map((key) => columns.indexOf(key));
  if (keyIndexes.includes(-1)) throw new Error(`comparison keys ${keys.join(', ')} must be among the compared columns`);
  return compareSequences(sortedByKeys(sediment, keyIndexes), sortedByKeys(duckDb, keyIndexes), columns, relativeToleranceDefault);
}

function compareTop(sediment: unknown[][], duckDb: unknown[][], columns: readonly string[], sortColumn: string): ComparisonOutcome {
  const sortIndex = columns.indexOf(sortColumn);
  if (sortIndex === -1) throw new Error(`sort column ${sortColumn} must be among the compared columns`);
  const sortValues = (rows: unknown[][]): unknown[][] => rows.map((row) => [row[sortIndex]]);
  const ranking = compareSequences(sortValues(sediment), sortValues(duckDb), [sortColumn], relativeToleranceDefault);
  if (!ranking.match) return mismatch(`ranking by ${sortColumn} differs: ${ranking.detail}`);
  const boundary = duckDb.at(-1)?.[sortIndex];
  const ahead = (rows: unknown[][]): unknown[][] => rows.filter((row) => !valuesEqual(row[sortIndex], boundary));
  return compareUnordered(ahead(sediment), ahead(duckDb), columns, columns);
}

function compareApproximate(sediment: unknown[][], duckDb: unknown[][], columns: readonly string[], relativeTolerance: number): ComparisonOutcome {
  return compareSequences(sediment, duckDb, columns, relativeTolerance);
}

/** Compares the two answers to `query` (rows already flattened; see druid-result-rows.ts). */
export function compareResults(query: Pick<BenchQuery, 'columns' | 'comparison'>, sedimentRows: readonly ResultRow[], duckDbRows: readonly ResultRow[]): ComparisonOutcome {
  const comparison: Comparison = query.comparison;
  const sediment = sedimentRows.map((row) => project(row, query.columns));
  const duckDb = duckDbRows.map((row) => project(row, query.columns));
  switch (comparison.kind) {
    case 'ordered':
      return compareSequences(sediment, duckDb, query.columns, relativeToleranceDefault);
    case 'unordered':
      return compareUnordered(sediment, duckDb, query.columns, comparison.keys);
    case 'top':
      return compareTop(sediment, duckDb, query.columns, comparison.sortColumn);
    case 'approximate':
      return compareApproximate(sediment, duckDb, query.columns, comparison.relativeTolerance);
  }
}
