// dimSelector: keep rows whose dimension equals a value (compared as strings; null matches null).
import type { HavingSpec, ResultRow } from './having-spec.js';

export class DimensionSelectorHaving implements HavingSpec {
  readonly type = 'dimSelector';

  constructor(
    readonly dimension: string,
    readonly value: string | null,
  ) {}

  matches(row: ResultRow): boolean {
    const actual = row[this.dimension];
    if (actual === null || actual === undefined) return this.value === null;
    return this.value !== null && String(actual) === this.value;
  }
}
