// filtered: folds only the rows that match a filter into the wrapped aggregator. The filter is
// evaluated once per segment into a row mask; each batch is compacted into reused scratch arrays
// and handed to the wrapped accumulator, so the hot loop stays allocation-free.
import type { Filter } from '../filters/filter.js';
import { filterRows } from '../filters/filter-rows.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import { ensureUint32 } from './grouped-arrays.js';
import type { JsonObject } from './json-fields.js';

export class FilteredAggregatorFactory implements AggregatorFactory {
  readonly type = 'filtered';

  constructor(
    readonly name: string,
    readonly filter: Filter,
    readonly delegate: AggregatorFactory,
    readonly json: JsonObject,
  ) {}

  requiredColumns(): readonly string[] {
    return [...new Set([...this.filter.requiredColumns(), ...this.delegate.requiredColumns()])];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    const matches = filterRows(this.filter, segment);
    const inner = this.delegate.accumulator(segment);
    if (matches.size === segment.rowCount) return inner;
    if (matches.isEmpty) return new NothingMatchesAccumulator(this.delegate);
    const mask = new Uint8Array(segment.rowCount);
    for (const row of matches.toUint32Array()) mask[row] = 1;
    return new FilteredAccumulator(mask, inner);
  }

  empty(): unknown {
    return this.delegate.empty();
  }

  combine(left: unknown, right: unknown): unknown {
    return this.delegate.combine(left, right);
  }

  finalize(partial: unknown): unknown {
    return this.delegate.finalize(partial);
  }

  compare(left: unknown, right: unknown): number {
    return this.delegate.compare(left, right);
  }
}

class FilteredAccumulator implements GroupedAccumulator {
  private rows = new Uint32Array(0);
  private groups = new Uint32Array(0);

  constructor(
    private readonly mask: Uint8Array,
    private readonly inner: GroupedAccumulator,
  ) {}

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    this.rows = ensureUint32(this.rows, length);
    this.groups = ensureUint32(this.groups, length);
    const { mask, rows: keptRows, groups: keptGroups } = this;
    let kept = 0;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      if (mask[row] === 0) continue;
      keptRows[kept] = row;
      keptGroups[kept] = groups[index]!;
      kept++;
    }
    if (kept > 0) this.inner.aggregate(keptRows, keptGroups, kept);
  }

  result(group: number): unknown {
    return this.inner.result(group);
  }
}

class NothingMatchesAccumulator implements GroupedAccumulator {
  constructor(private readonly delegate: AggregatorFactory) {}

  aggregate(): void {}

  result(): unknown {
    return this.delegate.empty();
  }
}
