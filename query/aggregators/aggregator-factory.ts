// The Aggregator seam: Druid's aggregators as a local state / combine / finalize pattern.
// Per segment, a GroupedAccumulator folds rows into per-group partial values; partials from
// segments, workers and servers merge with `combine`; `finalize` turns a partial into the JSON value.
import type { QueryableSegment } from '../queryable-segment.js';

export interface AggregatorFactory {
  /** Druid aggregator type, e.g. "longSum". */
  readonly type: string;
  /** Output name. */
  readonly name: string;
  /** The JSON it was parsed from (reported by segmentMetadata and kept in ingestion specs). */
  readonly json: Readonly<Record<string, unknown>>;
  /** Columns the aggregator reads. */
  requiredColumns(): readonly string[];
  /** A fresh accumulator over one segment. Groups are dense ids 0..n-1 chosen by the caller. */
  accumulator(segment: QueryableSegment): GroupedAccumulator;
  /** The partial value of a group that saw no rows (Druid: 0 for count, null for sums/min/max in SQL-compatible mode... see each implementation). */
  empty(): unknown;
  /** Merge two partial values; must be associative and commutative, and may return either argument mutated. */
  combine(left: unknown, right: unknown): unknown;
  /** The value reported to the user (e.g. an HLL sketch becomes its estimate). */
  finalize(partial: unknown): unknown;
  /**
   * Order of finalized values for sorting (topN metric, limitSpec); nulls first.
   * Returns <0, 0, >0.
   */
  compare(left: unknown, right: unknown): number;
}

export interface GroupedAccumulator {
  /**
   * Fold rows[i] into group groups[i] for i in 0..length-1. Rows may repeat (multi-value
   * dimensions) and groups may be any non-negative integers; the accumulator grows as needed.
   */
  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void;
  /**
   * Optional fast path, same effect as `aggregate` over rows startRow..startRow+length-1: folds row
   * startRow+i into groups[i]. Every groups[i] is below groupCount, so the accumulator can size its
   * state once and skip per-row bounds checks and the row-array indirection.
   */
  aggregateRange?(startRow: number, groups: Uint32Array, length: number, groupCount: number): void;
  /** The partial value of a group; empty() for a group that saw no rows. */
  result(group: number): unknown;
  /**
   * Optional: accumulators with equal keys fold rows into identical state (every `last` over the
   * same time column keeps the same row per group, whichever column it then reads). Engines fold
   * only the first of each key (see foldingAccumulators) and call follow(first) on the others, which
   * then answer result() from the first one's state.
   */
  readonly foldKey?: string;
  follow?(leader: GroupedAccumulator): void;
  /**
   * Optional, for engines that fold several sums in one pass over the rows (dense-sums.ts): when
   * every row adds its value to its group (a sum over float64 values without nulls), this
   * accumulator's input and per-group state, sized for groups below `groupCount`; else null. The
   * engine then adds row r's value to sums[group] itself and marks the groups it touched in `seen`.
   */
  denseSum?(groupCount: number): DenseSum | null;
}

/** See GroupedAccumulator.denseSum. */
export interface DenseSum {
  readonly values: Float64Array;
  readonly sums: Float64Array;
  /** 1 for a group that folded a row; the engine sets it. */
  readonly seen: Uint8Array;
}

/**
 * The accumulators an engine must fold rows into: one per foldKey (the others follow it) plus every
 * accumulator without a key. Call once, right after creating the accumulators.
 */
export function foldingAccumulators(accumulators: readonly GroupedAccumulator[]): GroupedAccumulator[] {
  const leaders = new Map<string, GroupedAccumulator>();
  const folding: GroupedAccumulator[] = [];
  for (const accumulator of accumulators) {
    const key = accumulator.foldKey;
    const leader = key === undefined ? undefined : leaders.get(key);
    if (leader !== undefined && accumulator.follow !== undefined) {
      accumulator.follow(leader);
      continue;
    }
    if (key !== undefined) leaders.set(key, accumulator);
    folding.push(accumulator);
  }
  return folding;
}
