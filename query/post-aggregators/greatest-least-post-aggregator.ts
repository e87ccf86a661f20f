// doubleGreatest/longGreatest/doubleLeast/longLeast: the largest or smallest of the fields' values.
// Nulls are skipped; all null gives null (SQL-compatible). The long variants truncate to integers.
import type { PostAggregator } from './post-aggregator.js';
import { numericValueOf } from './numeric-value-of.js';

export class GreatestLeastPostAggregator implements PostAggregator {
  readonly type: string;

  constructor(
    readonly valueType: 'double' | 'long',
    readonly greatest: boolean,
    readonly name: string,
    readonly fields: readonly PostAggregator[],
  ) {
    this.type = `${valueType}${greatest ? 'Greatest' : 'Least'}`;
  }

  dependentFields(): readonly string[] {
    return [...new Set(this.fields.flatMap((field) => field.dependentFields()))];
  }

  compute(row: Readonly<Record<string, unknown>>, finalize: (name: string, value: unknown) => unknown): number | null {
    let best: number | null = null;
    for (const field of this.fields) {
      let value = numericValueOf(field.compute(row, finalize));
      if (value === null) continue;
      if (this.valueType === 'long') value = Math.trunc(value);
      if (best === null || (this.greatest ? value > best : value < best)) best = value;
    }
    return best;
  }
}
