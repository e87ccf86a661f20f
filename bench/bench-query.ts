// One benchmark query: the Druid native JSON Sediment answers, the DuckDB SQL asking the same
// question, and how their answers are matched. Suites are lists of these (events-queries.ts,
// devops-queries.ts).

/**
 * How the two answers must agree, on the columns listed in `BenchQuery.columns`:
 * - ordered: same rows in the same order (time-bucketed results).
 * - unordered: same multiset of rows, matched on `keys`.
 * - top: a ranked, limited list by `sortColumn`; rows strictly ahead of the last row's sort value
 *   must match as a multiset, and rows tied with it only on that value (either system may break the
 *   tie differently).
 * - approximate: one row; every number within `relativeTolerance` of the reference (sketch-based
 *   estimates; pair it with an exact `referenceSql`).
 */
export type Comparison =
  | { readonly kind: 'ordered' }
  | { readonly kind: 'unordered'; readonly keys: readonly string[] }
  | { readonly kind: 'top'; readonly sortColumn: string }
  | { readonly kind: 'approximate'; readonly relativeTolerance: number };

export interface BenchQuery {
  /** Stable identifier used in reports, e.g. `filtered-count`. */
  readonly name: string;
  /** One line for the report. */
  readonly description: string;
  /** The Druid native query posted to Sediment's /druid/v2. */
  readonly native: Readonly<Record<string, unknown>>;
  /** The same question in DuckDB SQL, the one timed; its column aliases are the names in `columns`. */
  readonly sql: string;
  /**
   * When set, the answer Sediment is checked against comes from this SQL instead of `sql` (e.g. an
   * exact count for an approximate one, whose error the tolerance is meant for; DuckDB's own
   * estimate is not a reference).
   */
  readonly referenceSql?: string;
  /** Columns compared (Sediment's output names; `__time` is the row or bucket timestamp in ms). */
  readonly columns: readonly string[];
  readonly comparison: Comparison;
}

/** Keeps benchmark runs honest: no result caching on the Sediment side (DuckDB has none). */
export const noCacheContext = Object.freeze({
  useCache: false,
  populateCache: false,
  useResultLevelCache: false,
  populateResultLevelCache: false,
});

/** An ISO-8601 interval string. */
export function isoInterval(startMs: number, endMs: number): string {
  return `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`;
}

/** A DuckDB TIMESTAMP literal for epoch ms (UTC). */
export function sqlTimestamp(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** A SQL string list for IN (…). */
export function sqlStringList(values: readonly string[]): string {
  return values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');
}
