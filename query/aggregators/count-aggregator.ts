// count: the number of rows folded into each group (0 for a group that saw none).
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import { growFloat64, grownCapacity } from './grouped-arrays.js';
import { compareNullableNumbers } from './numeric-value-type.js';
import type { JsonObject } from './json-fields.js';

export class CountAggregatorFactory implements AggregatorFactory {
  readonly type = 'count';

  constructor(
    readonly name: string,
    readonly json: JsonObject,
  ) {}

  requiredColumns(): readonly string[] {
    return [];
  }

  accumulator(_segment: QueryableSegment): GroupedAccumulator {
    return new CountAccumulator();
  }

  empty(): number {
    return 0;
  }

  combine(left: unknown, right: unknown): number {
    return ((left as number | null) ?? 0) + ((right as number | null) ?? 0);
  }

  finalize(partial: unknown): unknown {
    return partial ?? 0;
  }

  compare(left: unknown, right: unknown): number {
    return compareNullableNumbers(left, right);
  }
}

class CountAccumulator implements GroupedAccumulator {
  private counts = new Float64Array(0);

  aggregate(_rows: Uint32Array, groups: Uint32Array, length: number): void {
    let counts = this.counts;
    for (let index = 0; index < length; index++) {
      const group = groups[index]!;
      if (group >= counts.length) counts = this.counts = growFloat64(counts, grownCapacity(counts.length, group + 1), 0);
      counts[group]!++;
    }
  }

  aggregateRange(_startRow: number, groups: Uint32Array, length: number, groupCount: number): void {
    if (groupCount > this.counts.length) this.counts = growFloat64(this.counts, grownCapacity(this.counts.length, groupCount), 0);
    const counts = this.counts;
    for (let index = 0; index < length; index++) counts[groups[index]!]!++;
  }

  result(group: number): number {
    return group < this.counts.length ? this.counts[group]! : 0;
  }
}
