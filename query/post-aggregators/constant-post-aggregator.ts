// constant: always the given number.
import type { PostAggregator } from './post-aggregator.js';

export class ConstantPostAggregator implements PostAggregator {
  readonly type = 'constant';

  constructor(
    readonly name: string,
    readonly value: number,
  ) {}

  dependentFields(): readonly string[] {
    return [];
  }

  compute(): number {
    return this.value;
  }
}
