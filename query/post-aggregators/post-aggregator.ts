// The PostAggregator seam: computed from a finalized-or-partial result row after merging.
export interface PostAggregator {
  readonly type: string;
  readonly name: string;
  /** Names of fields (aggregators or earlier post-aggregators) this reads. */
  dependentFields(): readonly string[];
  /**
   * Compute over a merged row. `row` maps names to *partial* aggregator values and earlier
   * post-aggregator values; `finalize(name, value)` finalizes a partial when the post-aggregator
   * needs the finalized value (fieldAccess does not, finalizingFieldAccess does).
   */
  compute(row: Readonly<Record<string, unknown>>, finalize: (name: string, value: unknown) => unknown): unknown;
}
