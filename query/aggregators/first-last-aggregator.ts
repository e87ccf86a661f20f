// longFirst/longLast, doubleFirst/doubleLast, floatFirst/floatLast, stringFirst/stringLast.
// Per group, the value of the row with the smallest (first) or largest (last) time. Ties keep the
// first row seen (first) or the last row seen (last). As Druid does since 28, a null value is a
// value like any other: only rows whose time is null are skipped. A group with no rows is null.
import type { QueryableSegment } from '../queryable-segment.js';
import type { AggregatorFactory, GroupedAccumulator } from './aggregator-factory.js';
import { growFloat64, grownCapacity, growUint8 } from './grouped-arrays.js';
import type { JsonObject } from './json-fields.js';
import { numericInput, TIME_COLUMN } from './numeric-input.js';
import { compareNullableNumbers, finalizeNumber, type NumericValueType } from './numeric-value-type.js';
import { numericRowReader, stringRowReader, timeRows, type RowValueReader } from './row-value-reader.js';
import type { RowNumericInput } from './numeric-input.js';

/** Partial value: the chosen row's time and value. */
export interface TimedValue {
  readonly timeMs: number;
  readonly value: number | string | null;
}

export type FirstOrLast = 'First' | 'Last';
export type FirstLastValueType = NumericValueType | 'string';

export interface FirstLastSpec {
  readonly valueType: FirstLastValueType;
  readonly which: FirstOrLast;
  readonly name: string;
  readonly fieldName: string;
  /** Column giving each row's time (ms); "__time" by default. */
  readonly timeColumn: string;
  /** stringFirst/stringLast only: longer values are cut to this many UTF-8 bytes. */
  readonly maxStringBytes: number;
}

export class FirstLastAggregatorFactory implements AggregatorFactory {
  readonly type: string;
  readonly name: string;

  constructor(
    readonly spec: FirstLastSpec,
    readonly json: JsonObject,
  ) {
    this.type = `${spec.valueType}${spec.which}`;
    this.name = spec.name;
  }

  requiredColumns(): readonly string[] {
    return this.spec.timeColumn === '__time' ? [this.spec.fieldName] : [this.spec.fieldName, this.spec.timeColumn];
  }

  accumulator(segment: QueryableSegment): GroupedAccumulator {
    const { valueType, fieldName, timeColumn, maxStringBytes, which } = this.spec;
    const reader: RowValueReader<number | string> =
      valueType === 'string'
        ? stringRowReader(segment, fieldName, maxStringBytes)
        : numericRowReader(numericInput(segment, fieldName, valueType));
    return new FirstLastAccumulator(timeRows(segment, timeColumn), reader, which === 'Last', timeColumn === TIME_COLUMN, `${which}:${timeColumn}`);
  }

  empty(): null {
    return null;
  }

  combine(left: unknown, right: unknown): unknown {
    if (left === null || left === undefined) return right ?? null;
    if (right === null || right === undefined) return left;
    const leftTime = (left as TimedValue).timeMs;
    const rightTime = (right as TimedValue).timeMs;
    if (this.spec.which === 'First') return rightTime < leftTime ? right : left;
    return rightTime >= leftTime ? right : left;
  }

  finalize(partial: unknown): unknown {
    if (partial === null || partial === undefined) return null;
    const value = (partial as TimedValue).value;
    if (this.spec.valueType === 'string' || value === null) return value;
    return finalizeNumber(this.spec.valueType, value);
  }

  compare(left: unknown, right: unknown): number {
    if (this.spec.valueType !== 'string') return compareNullableNumbers(left, right);
    return compareNullableStrings(left, right);
  }
}

/** UTF-16 code unit order with nulls first. */
export function compareNullableStrings(left: unknown, right: unknown): number {
  const leftNull = left === null || left === undefined;
  const rightNull = right === null || right === undefined;
  if (leftNull || rightNull) return leftNull === rightNull ? 0 : leftNull ? -1 : 1;
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Chooses one row per group by time; values are read only when a result is asked for. */
class FirstLastAccumulator implements GroupedAccumulator {
  private bestTimes = new Float64Array(0);
  private bestRows = new Float64Array(0);
  private seen = new Uint8Array(0);
  /** Last row folded; while rows ascend, row order is time order (for __time). */
  private previousRow = -1;

  constructor(
    private readonly time: RowNumericInput,
    private readonly read: RowValueReader<number | string>,
    private readonly last: boolean,
    /** True when the time column is __time: non-decreasing with the row number. */
    private rowOrderIsTimeOrder: boolean,
    /** Which row wins depends only on the time column and first/last, not on the value read. */
    readonly foldKey: string,
  ) {}

  /** The accumulator whose chosen rows this one reads its values from: itself unless it follows another. */
  private source: FirstLastAccumulator = this;

  follow(leader: GroupedAccumulator): void {
    if (!(leader instanceof FirstLastAccumulator) || leader.foldKey !== this.foldKey) throw new Error('FirstLastAccumulator can only follow its like');
    this.source = leader;
  }

  aggregate(rows: Uint32Array, groups: Uint32Array, length: number): void {
    if (this.rowOrderIsTimeOrder) {
      const done = this.aggregateInRowOrder(rows, groups, length);
      if (done === length) return;
      // Rows stopped ascending: compare times from here on (the rows chosen so far stay right).
      this.rowOrderIsTimeOrder = false;
      this.fillBestTimes();
      this.aggregateByTime(rows.subarray(done), groups.subarray(done), length - done);
      return;
    }
    this.aggregateByTime(rows, groups, length);
  }

  aggregateRange(startRow: number, groups: Uint32Array, length: number, groupCount: number): void {
    if (!this.rowOrderIsTimeOrder || startRow <= this.previousRow) {
      this.aggregate(rowsOfRange(startRow, length), groups, length);
      return;
    }
    if (groupCount > this.seen.length) this.grow(groupCount);
    const { bestRows, seen } = this;
    // A range ascends: `last` takes every row (the latest wins), `first` only a group's first.
    if (this.last) {
      for (let index = 0; index < length; index++) bestRows[groups[index]!] = startRow + index;
      for (let index = 0; index < length; index++) seen[groups[index]!] = 1;
    } else {
      for (let index = 0; index < length; index++) {
        const group = groups[index]!;
        if (seen[group] === 0) {
          bestRows[group] = startRow + index;
          seen[group] = 1;
        }
      }
    }
    this.previousRow = startRow + length - 1;
  }

  /**
   * While rows ascend, a later row is never earlier in __time, so `last` keeps the latest row seen
   * and `first` the first: no time comparison. Returns how many entries it folded.
   */
  private aggregateInRowOrder(rows: Uint32Array, groups: Uint32Array, length: number): number {
    let { bestRows, seen } = this;
    const last = this.last;
    let previousRow = this.previousRow;
    let index = 0;
    for (; index < length; index++) {
      const row = rows[index]!;
      if (row < previousRow) break;
      previousRow = row;
      const group = groups[index]!;
      if (group >= seen.length) {
        this.grow(group + 1);
        ({ bestRows, seen } = this);
      }
      if (last || seen[group] === 0) {
        bestRows[group] = row;
        seen[group] = 1;
      }
    }
    this.previousRow = previousRow;
    return index;
  }

  /** In row order only rows are tracked (one store per row); their times are looked up when needed. */
  private fillBestTimes(): void {
    const times = this.time.values;
    for (let group = 0; group < this.seen.length; group++) if (this.seen[group] === 1) this.bestTimes[group] = times[this.bestRows[group]!]!;
  }

  private aggregateByTime(rows: Uint32Array, groups: Uint32Array, length: number): void {
    let { bestTimes, bestRows, seen } = this;
    const { values: times, nulls } = this.time;
    const last = this.last;
    for (let index = 0; index < length; index++) {
      const row = rows[index]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const group = groups[index]!;
      if (group >= seen.length) {
        this.grow(group + 1);
        ({ bestTimes, bestRows, seen } = this);
      }
      const time = times[row]!;
      const better = seen[group] === 0 || (last ? time >= bestTimes[group]! : time < bestTimes[group]!);
      if (!better) continue;
      bestTimes[group] = time;
      bestRows[group] = row;
      seen[group] = 1;
    }
  }

  private grow(needed: number): void {
    const capacity = grownCapacity(this.seen.length, needed);
    this.bestTimes = growFloat64(this.bestTimes, capacity, 0);
    this.bestRows = growFloat64(this.bestRows, capacity, 0);
    this.seen = growUint8(this.seen, capacity);
  }

  result(group: number): TimedValue | null {
    const source = this.source;
    if (group >= source.seen.length || source.seen[group] === 0) return null;
    const row = source.bestRows[group]!;
    return { timeMs: source.rowOrderIsTimeOrder ? source.time.values[row]! : source.bestTimes[group]!, value: this.read(row) };
  }
}

function rowsOfRange(startRow: number, length: number): Uint32Array {
  const rows = new Uint32Array(length);
  for (let index = 0; index < length; index++) rows[index] = startRow + index;
  return rows;
}
