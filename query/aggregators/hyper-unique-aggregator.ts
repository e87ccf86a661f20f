// hyperUnique: merges the per-row HyperLogLog sketches of a hyperUnique column (built at ingestion).
// Over a plain string or numeric column it sketches the raw values instead, like cardinality.
// Partials are HyperLogLog objects; finalize gives the estimate (rounded if `round`).
import type { ComplexColumn } from '../../segment-format/columns.js';
import { HyperLogLog } from '../hyper-log-log.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import { addValueHashes, columnHashes, type ColumnHashes } from './column-hashes.js';
import type { JsonObject } from './json-fields.js';
import { compareNullableNumbers } from './numeric-value-type.js';
import { combineSketches, estimateOf } from './sketch-partials.js';

export class HyperUniqueAggregatorFactory implements AggregatorFactory {
  readonly type = 'hyperUnique';

  constructor(
    readonly name: string,
    readonly fieldName: string,
    /** Ingestion-time only: the input is already a serialized sketch. Ignored at query time. */
    readonly isInputHyperUnique: boolean,
    readonly round: boolean,
    readonly json: JsonObject,
  ) {}

  requiredColumns(): readonly string[] {
    return [this.fieldName];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    const column = segment.column(this.fieldName);
    if (column !== undefined && column.kind === 'hyperUnique') return new SketchMergeAccumulator(column);
    return new RawValueAccumulator(columnHashes(segment, this.fieldName));
  }

  empty(): HyperLogLog {
    return HyperLogLog.create();
  }

  combine(left: unknown, right: unknown): HyperLogLog {
    return combineSketches(left, right);
  }

  finalize(partial: unknown): number {
    return estimateOf(partial, this.round);
  }

  compare(left: unknown, right: unknown): number {
    return compareNullableNumbers(left, right);
  }
}

class SketchMergeAccumulator implements GroupedAccumulator {
  private readonly sketches: (HyperLogLog | undefined)[] = [];

  constructor(private readonly column: ComplexColumn) {}

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    const { values } = this.column;
    const sketches = this.sketches;
    for (let index = 0; index < length; index++) {
      const bytes = values[rows[index]!];
      // A row without a sketch (null metric) adds nothing.
      if (bytes === undefined || bytes === null || bytes.length === 0) continue;
      (sketches[groups[index]!] ??= HyperLogLog.create()).mergeSerialized(bytes);
    }
  }

  result(group: number): HyperLogLog {
    return this.sketches[group] ?? HyperLogLog.create();
  }
}

class RawValueAccumulator implements GroupedAccumulator {
  private readonly sketches: (HyperLogLog | undefined)[] = [];

  constructor(private readonly column: ColumnHashes) {}

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    addValueHashes(this.column, rows, groups, length, this.sketches, HyperLogLog.create);
  }

  result(group: number): HyperLogLog {
    return this.sketches[group] ?? HyperLogLog.create();
  }
}
