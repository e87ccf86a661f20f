// fieldAccess returns a field's value as it stands in the merged row (a partial, e.g. a sketch);
// finalizingFieldAccess finalizes it first (a sketch becomes its estimate).
import type { PostAggregator } from './post-aggregator.js';

export class FieldAccessPostAggregator implements PostAggregator {
  constructor(
    readonly type: 'fieldAccess' | 'finalizingFieldAccess',
    readonly name: string,
    readonly fieldName: string,
  ) {}

  dependentFields(): readonly string[] {
    return [this.fieldName];
  }

  compute(row: Readonly<Record<string, unknown>>, finalize: (name: string, value: unknown) => unknown): unknown {
    const value = row[this.fieldName] ?? null;
    return this.type === 'finalizingFieldAccess' ? finalize(this.fieldName, value) : value;
  }
}
