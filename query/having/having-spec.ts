// The HavingSpec seam: a predicate over a finalized groupBy result row, applied before limitSpec.
/** A finalized result row: dimension output names, aggregator and post-aggregator names → values. */
export type ResultRow = Readonly<Record<string, unknown>>;

export interface HavingSpec {
  readonly type: string;
  /** True to keep the row. */
  matches(row: ResultRow, timestampMs: number): boolean;
}
