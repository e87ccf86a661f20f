// Per-dimension storage of the in-memory index. Adding a row is two steps: `stage` reads the input
// value into a small integer key (0 always means null), which the index hashes and compares to find
// the row to roll up into; `commit` stores the staged value as a new row. Keys are interned ids:
// strings by value, multi-value lists by their id sequence (negative keys), numbers by value.
import type { DimensionSchema } from './dimensions-spec.js';
import { toNumber, toStringDimensionValue, type DimensionValue } from './dimension-values.js';
import { GrowableInt32Array } from './growable-arrays.js';

export interface DimensionColumn {
  readonly schema: DimensionSchema;
  /** Reads the raw input value into the staging slot (see stagedKey and stagingError). */
  stage(raw: unknown): void;
  /** Key of the staged value: 0 for null; equal keys mean equal values. */
  readonly stagedKey: number;
  /** Set by stage(): a message when the value was present but unreadable (staged as null). */
  readonly stagingError: string | null;
  /** Key of a stored row's value. */
  keyAt(row: number): number;
  /** Appends the staged value as the next row. */
  commit(): void;
  /** Appends nulls until there are `rowCount` rows (a dimension discovered after rows were added). */
  padTo(rowCount: number): void;
  /** The row's value. */
  value(row: number): DimensionValue;
  /** Precomputes what compareRows needs (value ranks). */
  prepareCompare(): void;
  /** Compares two rows by value; valid after prepareCompare() until the next change. */
  compareRows(left: number, right: number): number;
  clear(): void;
}

const NULL_KEY = 0;

class StringDimensionColumn implements DimensionColumn {
  stagedKey = NULL_KEY;
  readonly stagingError = null;
  private idOf = new Map<string, number>();
  private values: (string | null)[] = [null];
  /** Multi-value lists: key -(index + 1) is lists[index]. */
  private listIndexOf = new Map<string, number>();
  private lists: number[][] = [];
  private keys = new GrowableInt32Array();
  private ranks = new Int32Array(0);

  constructor(readonly schema: DimensionSchema) {}

  private intern(value: string | null): number {
    if (value === null) return NULL_KEY;
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.idOf.set(value, id);
    }
    return id;
  }

  stage(raw: unknown): void {
    const value = typeof raw === 'string' ? raw : toStringDimensionValue(raw, this.schema.multiValueHandling);
    if (!Array.isArray(value)) {
      this.stagedKey = this.intern(value as string | null);
      return;
    }
    const ids = value.map((item) => this.intern(item));
    const signature = ids.join(',');
    let index = this.listIndexOf.get(signature);
    if (index === undefined) {
      index = this.lists.length;
      this.lists.push(ids);
      this.listIndexOf.set(signature, index);
    }
    this.stagedKey = -(index + 1);
  }

  keyAt(row: number): number {
    return this.keys.data[row]!;
  }

  commit(): void {
    this.keys.push(this.stagedKey);
  }

  padTo(rowCount: number): void {
    while (this.keys.length < rowCount) this.keys.push(NULL_KEY);
  }

  value(row: number): DimensionValue {
    const key = this.keys.data[row]!;
    if (key >= 0) return this.values[key]!;
    return this.lists[-key - 1]!.map((id) => this.values[id]!);
  }

  prepareCompare(): void {
    const order = this.values.map((_, id) => id);
    order.sort((left, right) => compareStrings(this.values[left]!, this.values[right]!));
    this.ranks = new Int32Array(this.values.length);
    order.forEach((id, rank) => (this.ranks[id] = rank));
  }

  compareRows(left: number, right: number): number {
    const leftKey = this.keys.data[left]!;
    const rightKey = this.keys.data[right]!;
    if (leftKey >= 0 && rightKey >= 0) return this.ranks[leftKey]! - this.ranks[rightKey]!;
    const leftList = leftKey >= 0 ? [leftKey] : this.lists[-leftKey - 1]!;
    const rightList = rightKey >= 0 ? [rightKey] : this.lists[-rightKey - 1]!;
    const length = Math.min(leftList.length, rightList.length);
    for (let index = 0; index < length; index++) {
      const order = this.ranks[leftList[index]!]! - this.ranks[rightList[index]!]!;
      if (order !== 0) return order;
    }
    return leftList.length - rightList.length;
  }

  clear(): void {
    this.idOf = new Map();
    this.values = [null];
    this.listIndexOf = new Map();
    this.lists = [];
    this.keys.clear();
    this.ranks = new Int32Array(0);
  }
}

function compareStrings(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

/** Long/float/double dimensions; values interned by number so keys stay small integers. */
class NumericDimensionColumn implements DimensionColumn {
  stagedKey = NULL_KEY;
  stagingError: string | null = null;
  private idOf = new Map<number, number>();
  private values: number[] = [Number.NaN];
  private keys = new GrowableInt32Array();

  constructor(readonly schema: DimensionSchema) {}

  stage(raw: unknown): void {
    const number = toNumber(raw);
    this.stagingError = number === undefined ? `could not convert value [${String(raw)}] to ${this.schema.type} for dimension [${this.schema.name}]` : null;
    if (number === undefined || number === null) {
      this.stagedKey = NULL_KEY;
      return;
    }
    const value = this.schema.type === 'long' ? Math.trunc(number) : this.schema.type === 'float' ? Math.fround(number) : number;
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.idOf.set(value, id);
    }
    this.stagedKey = id;
  }

  keyAt(row: number): number {
    return this.keys.data[row]!;
  }

  commit(): void {
    this.keys.push(this.stagedKey);
  }

  padTo(rowCount: number): void {
    while (this.keys.length < rowCount) this.keys.push(NULL_KEY);
  }

  value(row: number): DimensionValue {
    const key = this.keys.data[row]!;
    return key === NULL_KEY ? null : this.values[key]!;
  }

  prepareCompare(): void {}

  compareRows(left: number, right: number): number {
    const leftKey = this.keys.data[left]!;
    const rightKey = this.keys.data[right]!;
    if (leftKey === rightKey) return 0;
    if (leftKey === NULL_KEY) return -1;
    if (rightKey === NULL_KEY) return 1;
    return this.values[leftKey]! < this.values[rightKey]! ? -1 : 1;
  }

  clear(): void {
    this.idOf = new Map();
    this.values = [Number.NaN];
    this.keys.clear();
  }
}

export function createDimensionColumn(schema: DimensionSchema): DimensionColumn {
  return schema.type === 'string' ? new StringDimensionColumn(schema) : new NumericDimensionColumn(schema);
}
