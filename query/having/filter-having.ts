// filter: evaluate a query filter against the result row; only TRUE keeps it (UNKNOWN drops it).
import type { Filter } from '../filters/filter.js';
import type { HavingSpec, ResultRow } from './having-spec.js';

export class FilterHaving implements HavingSpec {
  readonly type = 'filter';
  constructor(readonly filter: Filter) {}

  matches(row: ResultRow, timestampMs: number): boolean {
    return this.filter.matchesRow((column) => (column === '__time' ? timestampMs : (row[column] ?? null))) === true;
  }
}
