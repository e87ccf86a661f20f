// greaterThan / lessThan / equalTo: compare a metric of the row with a number. A null or non-numeric
// metric never matches (SQL-compatible null handling).
import type { HavingSpec, ResultRow } from './having-spec.js';

export type ComparisonKind = 'greaterThan' | 'lessThan' | 'equalTo';

export class ComparisonHaving implements HavingSpec {
  constructor(
    readonly type: ComparisonKind,
    /** Aggregator or post-aggregator name. */
    readonly aggregation: string,
    readonly value: number,
  ) {}

  matches(row: ResultRow): boolean {
    const raw = row[this.aggregation];
    if (raw === null || raw === undefined) return false;
    const metric = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (Number.isNaN(metric)) return false;
    if (this.type === 'greaterThan') return metric > this.value;
    if (this.type === 'lessThan') return metric < this.value;
    return metric === this.value;
  }
}
