// cardinality: a HyperLogLog over dimension values at query time.
// byRow false: the distinct values of all listed dimensions together; nulls are not values
//   (SQL's COUNT(DISTINCT), as in SQL-compatible null handling).
// byRow true: the distinct combinations of the dimensions' values per row (like COUNT(*) over a
//   GROUP BY of those dimensions, so a row of nulls is a combination too). Multi-value rows take
//   their values in sorted order. Tuples are hashed by mixing the per-value hashes, so values are
//   still hashed once per dictionary entry, not once per row.
import { HyperLogLog } from '../hyper-log-log.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import { addValueHashes, columnHashes, hashNumber, NULL_HASH, type ColumnHashes } from './column-hashes.js';
import type { JsonObject } from './json-fields.js';
import { compareNullableNumbers } from './numeric-value-type.js';
import { TupleHasher } from './tuple-hasher.js';
import { combineSketches, estimateOf } from './sketch-partials.js';

/** One entry of `fields`: the dimension read and the name it goes by. */
export interface CardinalityField {
  readonly dimension: string;
  readonly outputName: string;
}

export class CardinalityAggregatorFactory implements AggregatorFactory {
  readonly type = 'cardinality';

  constructor(
    readonly name: string,
    readonly fields: readonly CardinalityField[],
    readonly byRow: boolean,
    readonly round: boolean,
    readonly json: JsonObject,
  ) {}

  requiredColumns(): readonly string[] {
    return [...new Set(this.fields.map((field) => field.dimension))];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    const columns = this.fields.map((field) => columnHashes(segment, field.dimension));
    return this.byRow ? new ByRowAccumulator(columns) : new ByValueAccumulator(columns);
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

abstract class SketchAccumulator implements GroupedAccumulator {
  protected readonly sketches: (HyperLogLog | undefined)[] = [];

  abstract aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void;

  result(group: number): HyperLogLog {
    return this.sketches[group] ?? HyperLogLog.create();
  }
}

class ByValueAccumulator extends SketchAccumulator {
  constructor(private readonly columns: readonly ColumnHashes[]) {
    super();
  }

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    for (const column of this.columns) addValueHashes(column, rows, groups, length, this.sketches, HyperLogLog.create);
  }
}

class ByRowAccumulator extends SketchAccumulator {
  private readonly hasher = new TupleHasher();
  private sortScratch = new Uint32Array(16);

  constructor(private readonly columns: readonly ColumnHashes[]) {
    super();
  }

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    const sketches = this.sketches;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      this.hasher.reset();
      for (const column of this.columns) this.mixColumn(column, row);
      (sketches[groups[index]!] ??= HyperLogLog.create()).addHash(this.hasher.finish());
    }
  }

  private mixColumn(column: ColumnHashes, row: number): void {
    const hasher = this.hasher;
    if (column.kind === 'single') {
      hasher.mix(column.hashes[column.ids[row]!]!);
    } else if (column.kind === 'numeric') {
      hasher.mix(column.nulls !== null && column.nulls[row] === 1 ? NULL_HASH : hashNumber(column.values[row]!));
    } else if (column.kind === 'missing') {
      hasher.mix(NULL_HASH);
    } else {
      this.mixMultiValue(column.offsets, column.ids, column.hashes, row);
    }
  }

  /** Values in dictionary-id order (= sorted value order), then their count as a separator. */
  private mixMultiValue(offsets: Uint32Array, ids: ArrayLike<number>, hashes: Float64Array, row: number): void {
    const start = offsets[row]!;
    const count = offsets[row + 1]! - start;
    if (count === 1) {
      this.hasher.mix(hashes[ids[start]!]!);
      return;
    }
    if (this.sortScratch.length < count) this.sortScratch = new Uint32Array(count * 2);
    const sorted = this.sortScratch;
    for (let position = 0; position < count; position++) {
      // Insertion sort: rows hold few values.
      const id = ids[start + position]!;
      let slot = position;
      while (slot > 0 && sorted[slot - 1]! > id) {
        sorted[slot] = sorted[slot - 1]!;
        slot--;
      }
      sorted[slot] = id;
    }
    for (let position = 0; position < count; position++) this.hasher.mix(hashes[sorted[position]!]!);
    this.hasher.mix(-2 - count);
  }
}
