// Per-dimension storage of the in-memory index. Adding a row is two steps: `stage` reads the input
// value into a small integer key (0 always means null), which the index hashes and compares to find
// the row to roll up into; `commit` stores the staged value as a new row. Keys are interned ids:
// strings by value, multi-value lists by their id sequence (negative keys), numbers by value.
import type { ColumnData } from '../segment-format/columns.js';
import { gatherColumn, type ColumnStorage } from './column-gather.js';
import type { DimensionSchema } from './dimensions-spec.js';
import { toNumber, toStringDimensionValue, type DimensionValue } from './dimension-values.js';
import { ByteInternTable } from './byte-intern-table.js';
import { GrowableInt32Array } from './growable-arrays.js';
import type { PartialDimension } from './partial-index.js';
import { asLong } from './metric-values.js';

export interface DimensionColumn {
  readonly schema: DimensionSchema;
  /** Reads the raw input value into the staging slot (see stagedKey and stagingError). */
  stage(raw: unknown): void;
  /**
   * Fast JSON path: stages the string whose bytes (printable ASCII, no escapes) are bytes[start, end),
   * `hash` being hashBytes of them. Returns false, staging nothing, when this column would convert
   * a string (the caller falls back to stage() with the parsed value).
   */
  stageAscii(bytes: Uint8Array, start: number, end: number, hash: number): boolean;
  /** Fast JSON path: stages a JSON number; false (nothing staged) when this column would convert it. */
  stageNumber(value: number): boolean;
  /** Key of the staged value: 0 for null; equal keys mean equal values. */
  readonly stagedKey: number;
  /** Set by stage(): a message when the value was present but unreadable (staged as null). */
  readonly stagingError: string | null;
  /** Key of a stored row's value. */
  keyAt(row: number): number;
  /** Appends the staged value as the next row. */
  commit(): void;
  /** Parallel ingestion: stages a partial's row's key, mapped into this column by `map` (from importPartials). */
  stageMapped(partial: PartialDimension, map: PartialKeyMap, row: number): void;
  /** Parallel ingestion: the column as a partial index column (shares and reorders storage: clear() the column next). */
  partial(): PartialDimension;
  /** Parallel ingestion: interns other indexes' column values; returns, per partial, how its keys map to this column's. */
  importPartials(partials: readonly PartialDimension[]): PartialKeyMap[];
  /** Parallel ingestion: appends rows [from, to) of a partial, keys mapped by `map` (from importPartials). */
  appendMapped(partial: PartialDimension, map: PartialKeyMap, from: number, to: number): void;
  /** Makes room for `count` more rows (so appends do not grow the storage step by step); `shared`: in shared memory (see growable-arrays.ts). */
  reserve(count: number, shared: boolean): void;
  /** Parallel ingestion: takes the storage of a partial's keys that nothing reads any more (see IncrementalIndex.recycle). */
  recycle(keys: Int32Array): void;
  /** Appends nulls until there are `rowCount` rows (a dimension discovered after rows were added). */
  padTo(rowCount: number): void;
  /** The row's value. */
  value(row: number): DimensionValue;
  /** Precomputes what compareRows needs (value ranks). */
  prepareCompare(): void;
  /** Compares two rows by value; valid after prepareCompare() until the next change. */
  compareRows(left: number, right: number): number;
  /**
   * The row's value rank (compareRows orders rows as their ranks do, when both have one), or -1 when
   * it has none (a multi-value row); absent when the column has no ranks. Valid as compareRows is.
   */
  rankAt?(row: number): number;
  /** Empties the column; `keepCapacity` keeps row storage for the next rows (nothing may still read it). */
  clear(keepCapacity?: boolean): void;
  /**
   * The column of rows `order[0..]` in the segment column model (sorted dictionary holding only
   * values some row uses). A copy: later adds do not change it.
   */
  snapshot(order: Uint32Array): ColumnData;
  /** The column's storage for gatherColumn (shared, not copied): valid until the column changes. */
  storage(): ColumnStorage;
}

/** How a partial's keys map to a column's: key k >= 0 to values[k], a list key k < 0 to lists[-k - 1]. */
export interface PartialKeyMap {
  readonly values: Int32Array;
  readonly lists: Int32Array;
}

const NULL_KEY = 0;
const NO_LISTS = new Int32Array(0);

/** Decodes ASCII bytes (each byte is its own UTF-16 code unit). */
function latin1Of(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('latin1', start, end);
}

class StringDimensionColumn implements DimensionColumn {
  stagedKey = NULL_KEY;
  readonly stagingError = null;
  /** Id of each value; null after values were adopted wholesale, until the next intern() needs it. */
  private idOf: Map<string, number> | null = new Map<string, number>();
  private values: (string | null)[] = [null];
  /** Multi-value lists: key -(index + 1) is lists[index]. */
  private listIndexOf = new Map<string, number>();
  private lists: number[][] = [];
  private keys = new GrowableInt32Array();
  private asciiKeys = new ByteInternTable();
  private ranks = new Int32Array(0);
  /** byRank[rank] is the id with that rank. */
  private byRank = new Int32Array(0);
  /** values.length when ranks were computed; values only grow until clear(), so equal means current. */
  private rankedCount = -1;

  constructor(readonly schema: DimensionSchema) {}

  private intern(value: string | null): number {
    if (value === null) return NULL_KEY;
    const idOf = (this.idOf ??= new Map(this.values.map((known, id) => [known as string, id])));
    let id = idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      idOf.set(value, id);
    }
    return id;
  }

  stage(raw: unknown): void {
    const value = typeof raw === 'string' ? raw : toStringDimensionValue(raw, this.schema.multiValueHandling);
    if (!Array.isArray(value)) {
      this.stagedKey = this.intern(value as string | null);
      return;
    }
    this.stagedKey = this.internList(value.map((item) => this.intern(item)));
  }

  private internList(ids: readonly number[]): number {
    const signature = ids.join(',');
    let index = this.listIndexOf.get(signature);
    if (index === undefined) {
      index = this.lists.length;
      this.lists.push([...ids]);
      this.listIndexOf.set(signature, index);
    }
    return -(index + 1);
  }

  stageMapped(partial: PartialDimension, map: PartialKeyMap, row: number): void {
    const key = partial.keys[row]!;
    this.stagedKey = key >= 0 ? map.values[key]! : map.lists[-key - 1]!;
  }

  /** Values sorted (null first) and keys renumbered to match, so the main thread merges dictionaries linearly. */
  partial(): PartialDimension {
    this.prepareCompare();
    const ranks = this.ranks;
    const keys = this.keys.data.subarray(0, this.keys.length);
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (key >= 0) keys[row] = ranks[key]!;
    }
    const values = Array.from(this.byRank, (id) => this.values[id]!);
    return { values, lists: this.lists.map((list) => list.map((id) => ranks[id]!)), keys, sorted: true };
  }

  importPartials(partials: readonly PartialDimension[]): PartialKeyMap[] {
    const empty = this.keys.length === 0 && this.values.length === 1 && this.lists.length === 0;
    if (!empty || !partials.every((partial) => partial.sorted)) return partials.map((partial) => this.importKeys(partial));
    // Adopt the merged sorted dictionary: ids are ranks, so prepareCompare has nothing left to do.
    const { values, remaps } = mergeSortedDictionaries(partials.map((partial) => partial.values as readonly (string | null)[]));
    this.values = values;
    this.idOf = null;
    this.byRank = Int32Array.from(values, (_, id) => id);
    this.ranks = this.byRank;
    this.rankedCount = values.length;
    return partials.map((partial, index) => this.keyMap(partial, remaps[index]!));
  }

  private importKeys(partial: PartialDimension): PartialKeyMap {
    const remap = new Int32Array(partial.values.length);
    for (let key = 1; key < remap.length; key++) remap[key] = this.intern(partial.values[key] as string);
    return this.keyMap(partial, remap);
  }

  private keyMap(partial: PartialDimension, remap: Int32Array): PartialKeyMap {
    if (partial.lists.length === 0) return { values: remap, lists: NO_LISTS };
    return { values: remap, lists: Int32Array.from(partial.lists, (list) => this.internList(list.map((key) => remap[key]!))) };
  }

  appendMapped(partial: PartialDimension, map: PartialKeyMap, from: number, to: number): void {
    appendMappedKeys(this.keys, partial.keys, map, from, to);
  }

  reserve(count: number, shared: boolean): void {
    this.keys.reserve(count, shared);
  }

  recycle(keys: Int32Array): void {
    this.keys.adopt(keys.buffer);
  }

  stageAscii(bytes: Uint8Array, start: number, end: number, hash: number): boolean {
    let key = this.asciiKeys.find(bytes, start, end, hash);
    if (key < 0) {
      key = this.intern(latin1Of(bytes, start, end));
      this.asciiKeys.insert(bytes, start, end, hash, key);
    }
    this.stagedKey = key;
    return true;
  }

  stageNumber(): boolean {
    return false;
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
    if (this.rankedCount === this.values.length) return;
    const values = this.values;
    const order = new Int32Array(values.length);
    for (let id = 0; id < order.length; id++) order[id] = id;
    order.sort((left, right) => compareStrings(values[left]!, values[right]!));
    this.ranks = new Int32Array(values.length);
    for (let rank = 0; rank < order.length; rank++) this.ranks[order[rank]!] = rank;
    this.byRank = order;
    this.rankedCount = values.length;
  }

  rankAt(row: number): number {
    const key = this.keys.data[row]!;
    return key >= 0 ? this.ranks[key]! : -1;
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

  snapshot(order: Uint32Array): ColumnData {
    return gatherColumn(this.storage(), order);
  }

  storage(): ColumnStorage {
    this.prepareCompare();
    return { kind: 'stringDimension', keys: this.keys.data.subarray(0, this.keys.length), values: this.values, lists: this.lists, byRank: this.byRank };
  }

  clear(keepCapacity = false): void {
    this.idOf = new Map();
    this.values = [null];
    this.listIndexOf = new Map();
    this.lists = [];
    this.keys.clear(keepCapacity);
    this.asciiKeys = new ByteInternTable();
    this.ranks = new Int32Array(0);
    this.byRank = new Int32Array(0);
    this.rankedCount = -1;
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
    const value = this.schema.type === 'long' ? asLong(number) : this.schema.type === 'float' ? Math.fround(number) : number;
    this.stagedKey = this.intern(value);
  }

  private intern(value: number): number {
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.idOf.set(value, id);
    }
    return id;
  }

  stageMapped(partial: PartialDimension, map: PartialKeyMap, row: number): void {
    this.stagedKey = map.values[partial.keys[row]!]!;
  }

  partial(): PartialDimension {
    return { values: this.values, lists: [], keys: this.keys.data.subarray(0, this.keys.length), sorted: false };
  }

  importPartials(partials: readonly PartialDimension[]): PartialKeyMap[] {
    return partials.map((partial) => {
      const remap = new Int32Array(partial.values.length);
      for (let key = 1; key < remap.length; key++) remap[key] = this.intern(partial.values[key] as number);
      return { values: remap, lists: NO_LISTS };
    });
  }

  appendMapped(partial: PartialDimension, map: PartialKeyMap, from: number, to: number): void {
    appendMappedKeys(this.keys, partial.keys, map, from, to);
  }

  reserve(count: number, shared: boolean): void {
    this.keys.reserve(count, shared);
  }

  recycle(keys: Int32Array): void {
    this.keys.adopt(keys.buffer);
  }

  stageAscii(): boolean {
    return false;
  }

  stageNumber(value: number): boolean {
    this.stage(value);
    return true;
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

  snapshot(order: Uint32Array): ColumnData {
    return gatherColumn(this.storage(), order);
  }

  storage(): ColumnStorage {
    const storage = this.schema.type as 'long' | 'float' | 'double';
    return { kind: 'numericDimension', storage, keys: this.keys.data.subarray(0, this.keys.length), values: this.values };
  }

  clear(keepCapacity = false): void {
    this.idOf = new Map();
    this.values = [Number.NaN];
    this.keys.clear(keepCapacity);
  }
}

/**
 * Merges sorted dictionaries (null first, then ascending unique strings) into one; remaps[i][key] is
 * the merged id of dictionaries[i][key].
 */
function mergeSortedDictionaries(dictionaries: readonly (readonly (string | null)[])[]): { values: (string | null)[]; remaps: Int32Array[] } {
  const values: (string | null)[] = [null];
  const remaps = dictionaries.map((dictionary) => new Int32Array(dictionary.length));
  const positions = dictionaries.map(() => 1);
  for (;;) {
    let smallest: string | null = null;
    let found = false;
    for (let index = 0; index < dictionaries.length; index++) {
      const dictionary = dictionaries[index]!;
      if (positions[index]! >= dictionary.length) continue;
      const value = dictionary[positions[index]!] as string;
      if (!found || value < (smallest as string)) smallest = value;
      found = true;
    }
    if (!found) return { values, remaps };
    const id = values.length;
    values.push(smallest);
    for (let index = 0; index < dictionaries.length; index++) {
      const position = positions[index]!;
      if (position < dictionaries[index]!.length && dictionaries[index]![position] === smallest) {
        remaps[index]![position] = id;
        positions[index] = position + 1;
      }
    }
  }
}

/** Appends keys[from, to) mapped by `map` to `target`. */
function appendMappedKeys(target: GrowableInt32Array, keys: Int32Array, map: PartialKeyMap, from: number, to: number): void {
  target.reserve(to - from);
  const data = target.data;
  const values = map.values;
  let position = target.length;
  if (map.lists.length === 0) {
    for (let row = from; row < to; row++) data[position++] = values[keys[row]!]!;
  } else {
    const lists = map.lists;
    for (let row = from; row < to; row++) {
      const key = keys[row]!;
      data[position++] = key >= 0 ? values[key]! : lists[-key - 1]!;
    }
  }
  target.length = position;
}

export function createDimensionColumn(schema: DimensionSchema): DimensionColumn {
  return schema.type === 'string' ? new StringDimensionColumn(schema) : new NumericDimensionColumn(schema);
}
