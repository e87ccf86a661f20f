// longSum, doubleSum, floatSum: the sum of a column's non-null values per group; null when a group
// saw only nulls or no rows (SQL-compatible null handling). longSum truncates each input to an
// integer (Druid reads the column as long); sums are held in float64, exact up to 2^53.
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, DenseSum, GroupedAccumulator } from './aggregator-factory.js';
import type { JsonObject } from './json-fields.js';
import { numericInput, type DictionaryNumericInput, type NumericInput, type RowNumericInput } from './numeric-input.js';
import { compareNullableNumbers, finalizeNumber, type NumericValueType } from './numeric-value-type.js';
import { NullableNumberState } from './nullable-number-state.js';

export class SumAggregatorFactory implements AggregatorFactory {
  readonly type: string;

  constructor(
    readonly valueType: NumericValueType,
    readonly name: string,
    readonly fieldName: string,
    readonly json: JsonObject,
  ) {
    this.type = `${valueType}Sum`;
  }

  requiredColumns(): readonly string[] {
    return [this.fieldName];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    return new SumAccumulator(numericInput(segment, this.fieldName, this.valueType));
  }

  empty(): null {
    return null;
  }

  combine(left: unknown, right: unknown): unknown {
    if (left === null || left === undefined) return right ?? null;
    if (right === null || right === undefined) return left;
    return (left as number) + (right as number);
  }

  finalize(partial: unknown): unknown {
    return finalizeNumber(this.valueType, partial);
  }

  compare(left: unknown, right: unknown): number {
    return compareNullableNumbers(left, right);
  }
}

class SumAccumulator implements GroupedAccumulator {
  private readonly state = new NullableNumberState(0);

  constructor(private readonly input: NumericInput) {}

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    const input = this.input;
    if (input.kind === 'dictionary') this.sumDictionary(input, rows, groups, length);
    else if (input.kind === 'rows') this.sumRows(input, rows, groups, length);
  }

  denseSum(groupCount: number): DenseSum | null {
    const input = this.input;
    if (input.kind !== 'rows' || input.nulls !== null || !(input.values instanceof Float64Array)) return null;
    if (groupCount > this.state.values.length) this.state.grow(groupCount);
    return { values: input.values, sums: this.state.values, seen: this.state.seen };
  }

  aggregateRange(startRow: number, groups: Uint32Array, length: number, groupCount: number): void {
    const input = this.input;
    if (input.kind === 'missing') return;
    if (groupCount > this.state.values.length) this.state.grow(groupCount);
    const { values: sums, seen } = this.state;
    if (input.kind === 'dictionary') sumDictionaryRange(input, startRow, groups, length, sums, seen);
    else if (input.nulls === null) sumDenseRange(input.values, startRow, groups, length, sums, seen);
    else sumNullableRange(input.values, input.nulls, startRow, groups, length, sums, seen);
  }

  private sumRows(input: RowNumericInput, rows: Uint32Array, groups: Uint32Array, length: number): void {
    const state = this.state;
    let { values: sums, seen } = state;
    const { values, nulls } = input;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const group = groups[index]!;
      if (group >= sums.length) {
        state.grow(group + 1);
        ({ values: sums, seen } = state);
      }
      sums[group] += values[row]!;
      seen[group] = 1;
    }
  }

  private sumDictionary(input: DictionaryNumericInput, rows: Uint32Array, groups: Uint32Array, length: number): void {
    const state = this.state;
    let { values: sums, seen } = state;
    const { ids, dictionaryValues, dictionaryNulls } = input;
    for (let index = 0; index < length; index++) {
      const id = ids[rows[index]!]!;
      if (dictionaryNulls[id] === 1) continue;
      const group = groups[index]!;
      if (group >= sums.length) {
        state.grow(group + 1);
        ({ values: sums, seen } = state);
      }
      sums[group] += dictionaryValues[id]!;
      seen[group] = 1;
    }
  }

  result(group: number): number | null {
    return this.state.result(group);
  }
}

function sumDenseRange(values: Float64Array | Float32Array, startRow: number, groups: Uint32Array, length: number, sums: Float64Array, seen: Uint8Array): void {
  for (let index = 0; index < length; index++) {
    const group = groups[index]!;
    sums[group] += values[startRow + index]!;
    seen[group] = 1;
  }
}

function sumNullableRange(
  values: Float64Array | Float32Array,
  nulls: Uint8Array,
  startRow: number,
  groups: Uint32Array,
  length: number,
  sums: Float64Array,
  seen: Uint8Array,
): void {
  for (let index = 0; index < length; index++) {
    const row = startRow + index;
    if (nulls[row] === 1) continue;
    const group = groups[index]!;
    sums[group] += values[row]!;
    seen[group] = 1;
  }
}

function sumDictionaryRange(input: DictionaryNumericInput, startRow: number, groups: Uint32Array, length: number, sums: Float64Array, seen: Uint8Array): void {
  const { ids, dictionaryValues, dictionaryNulls } = input;
  for (let index = 0; index < length; index++) {
    const id = ids[startRow + index]!;
    if (dictionaryNulls[id] === 1) continue;
    const group = groups[index]!;
    sums[group] += dictionaryValues[id]!;
    seen[group] = 1;
  }
}
