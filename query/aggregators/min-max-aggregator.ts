// longMin/longMax, doubleMin/doubleMax, floatMin/floatMax: the extreme non-null value per group;
// null when a group saw only nulls or no rows (SQL-compatible null handling).
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import type { JsonObject } from './json-fields.js';
import { numericInput, type DictionaryNumericInput, type NumericInput, type RowNumericInput } from './numeric-input.js';
import { compareNullableNumbers, finalizeNumber, type NumericValueType } from './numeric-value-type.js';
import { NullableNumberState } from './nullable-number-state.js';

export type Extreme = 'Min' | 'Max';

export class MinMaxAggregatorFactory implements AggregatorFactory {
  readonly type: string;

  constructor(
    readonly valueType: NumericValueType,
    readonly extreme: Extreme,
    readonly name: string,
    readonly fieldName: string,
    readonly json: JsonObject,
  ) {
    this.type = `${valueType}${extreme}`;
  }

  requiredColumns(): readonly string[] {
    return [this.fieldName];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    const input = numericInput(segment, this.fieldName, this.valueType);
    // Min folds the negated values with the same max loop, so there is one loop per input kind.
    return this.extreme === 'Max' ? new MaxAccumulator(input, 1) : new MaxAccumulator(input, -1);
  }

  empty(): null {
    return null;
  }

  combine(left: unknown, right: unknown): unknown {
    if (left === null || left === undefined) return right ?? null;
    if (right === null || right === undefined) return left;
    const a = left as number;
    const b = right as number;
    return this.extreme === 'Max' ? Math.max(a, b) : Math.min(a, b);
  }

  finalize(partial: unknown): unknown {
    return finalizeNumber(this.valueType, partial);
  }

  compare(left: unknown, right: unknown): number {
    return compareNullableNumbers(left, right);
  }
}

/** Max of sign × value per group; sign -1 computes the min. */
class MaxAccumulator implements GroupedAccumulator {
  // Starting from -Infinity lets the loop take a plain max without consulting `seen`.
  private readonly state = new NullableNumberState(-Infinity);

  constructor(
    private readonly input: NumericInput,
    private readonly sign: 1 | -1,
  ) {}

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    const input = this.input;
    if (input.kind === 'dictionary') this.maxDictionary(input, rows, groups, length);
    else if (input.kind === 'rows') this.maxRows(input, rows, groups, length);
  }

  aggregateRange(startRow: number, groups: Uint32Array, length: number, groupCount: number): void {
    const input = this.input;
    if (input.kind !== 'rows' || input.nulls !== null) {
      const rows = new Uint32Array(length);
      for (let index = 0; index < length; index++) rows[index] = startRow + index;
      this.aggregate(rows, groups, length);
      return;
    }
    const state = this.state;
    if (groupCount > state.values.length) state.grow(groupCount);
    const { values: best, seen } = state;
    const values = input.values;
    const sign = this.sign;
    for (let index = 0; index < length; index++) {
      const group = groups[index]!;
      const value = sign * values[startRow + index]!;
      if (value > best[group]!) best[group] = value;
      seen[group] = 1;
    }
  }

  private maxRows(input: RowNumericInput, rows: Uint32Array, groups: Uint32Array, length: number): void {
    const state = this.state;
    let { values: best, seen } = state;
    const { values, nulls } = input;
    const sign = this.sign;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const group = groups[index]!;
      if (group >= best.length) {
        state.grow(group + 1);
        ({ values: best, seen } = state);
      }
      const value = sign * values[row]!;
      const current = best[group]!;
      best[group] = value > current ? value : current;
      seen[group] = 1;
    }
  }

  private maxDictionary(input: DictionaryNumericInput, rows: Uint32Array, groups: Uint32Array, length: number): void {
    const state = this.state;
    let { values: best, seen } = state;
    const { ids, dictionaryValues, dictionaryNulls } = input;
    const sign = this.sign;
    for (let index = 0; index < length; index++) {
      const id = ids[rows[index]!]!;
      if (dictionaryNulls[id] === 1) continue;
      const group = groups[index]!;
      if (group >= best.length) {
        state.grow(group + 1);
        ({ values: best, seen } = state);
      }
      const value = sign * dictionaryValues[id]!;
      const current = best[group]!;
      best[group] = value > current ? value : current;
      seen[group] = 1;
    }
  }

  result(group: number): number | null {
    const value = this.state.result(group);
    // `+ 0` turns -0 (from negating 0 for min) back into 0.
    return value === null ? null : this.sign * value + 0;
  }
}
