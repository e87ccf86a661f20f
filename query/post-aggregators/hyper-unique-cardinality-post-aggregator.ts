// hyperUniqueCardinality: the estimate of a hyperUnique (or cardinality) field's sketch.
import { estimateOf } from '../aggregators/sketch-partials.js';
import type { PostAggregator } from './post-aggregator.js';

export class HyperUniqueCardinalityPostAggregator implements PostAggregator {
  readonly type = 'hyperUniqueCardinality';

  constructor(
    readonly name: string,
    readonly fieldName: string,
  ) {}

  dependentFields(): readonly string[] {
    return [this.fieldName];
  }

  compute(row: Readonly<Record<string, unknown>>): number {
    return estimateOf(row[this.fieldName], false);
  }
}
