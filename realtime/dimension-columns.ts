// Per-dimension storage of the in-memory index. Adding a row is two steps: `stage` reads the input
// value into a small integer key (0 always means null), which the index hashes and compares to find
// the row to roll up into; `commit` stores the staged value as a new row. Keys are interned ids:
// strings by value, multi-value lists by their id sequence (negative keys), numbers by value.
import RoaringModule from 'roaring';
import { allocateIds, type ColumnData, type Dictionary } from '../segment-format/columns.js';
import type { DimensionSchema } from './dimensions-spec.js';
import { toNumber, toStringDimensionValue, type DimensionValue } from './dimension-values.js';
import { ByteInternTable } from './byte-intern-table.js';
import { GrowableInt32Array } from './growable-arrays.js';
import type { PartialDimension } from './partial-index.js';

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
  /** Parallel ingestion: stages a key this column already holds (one returned by importKeys). */
  stageKey(key: number): void;
  /** Parallel ingestion: the column as a partial index column (shares and reorders storage: clear() the column next). */
  partial(): PartialDimension;
  /** Parallel ingestion: interns other indexes' column values; returns, per partial, each of its rows' keys in this column. */
  importPartials(partials: readonly PartialDimension[]): Int32Array[];
  /** Parallel ingestion: appends rows holding the given keys of this column. */
  appendKeys(keys: Int32Array): void;
  /** Appends nulls until there are `rowCount` rows (a dimension discovered after rows were added). */
  padTo(rowCount: number): void;
  /** The row's value. */
  value(row: number): DimensionValue;
  /** Precomputes what compareRows needs (value ranks). */
  prepareCompare(): void;
  /** Compares two rows by value; valid after prepareCompare() until the next change. */
  compareRows(left: number, right: number): number;
  clear(): void;
  /**
   * The column of rows `order[0..]` in the segment column model (sorted dictionary holding only
   * values some row uses). A copy: later adds do not change it.
   */
  snapshot(order: Uint32Array): ColumnData;
}

const { RoaringBitmap32 } = RoaringModule;

const NULL_KEY = 0;

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

  stageKey(key: number): void {
    this.stagedKey = key;
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

  importPartials(partials: readonly PartialDimension[]): Int32Array[] {
    const empty = this.keys.length === 0 && this.values.length === 1 && this.lists.length === 0;
    if (!empty || !partials.every((partial) => partial.sorted)) return partials.map((partial) => this.importKeys(partial));
    // Adopt the merged sorted dictionary: ids are ranks, so prepareCompare has nothing left to do.
    const { values, remaps } = mergeSortedDictionaries(partials.map((partial) => partial.values as readonly (string | null)[]));
    this.values = values;
    this.idOf = null;
    this.byRank = Int32Array.from(values, (_, id) => id);
    this.ranks = this.byRank;
    this.rankedCount = values.length;
    return partials.map((partial, index) => this.remapKeys(partial, remaps[index]!));
  }

  private importKeys(partial: PartialDimension): Int32Array {
    const remap = new Int32Array(partial.values.length);
    for (let key = 1; key < remap.length; key++) remap[key] = this.intern(partial.values[key] as string);
    return this.remapKeys(partial, remap);
  }

  private remapKeys(partial: PartialDimension, remap: Int32Array): Int32Array {
    const listRemap = partial.lists.map((list) => this.internList(list.map((key) => remap[key]!)));
    const keys = new Int32Array(partial.keys.length);
    for (let row = 0; row < keys.length; row++) {
      const key = partial.keys[row]!;
      keys[row] = key >= 0 ? remap[key]! : listRemap[-key - 1]!;
    }
    return keys;
  }

  appendKeys(keys: Int32Array): void {
    appendAll(this.keys, keys);
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
    this.prepareCompare();
    const keys = this.keys.data;
    const used = new Uint8Array(this.values.length);
    const listUsed = new Uint8Array(this.lists.length);
    let multiValue = false;
    for (let index = 0; index < order.length; index++) {
      const key = keys[order[index]!]!;
      if (key >= 0) used[key] = 1;
      else {
        listUsed[-key - 1] = 1;
        multiValue = true;
      }
    }
    if (multiValue) for (let list = 0; list < listUsed.length; list++) if (listUsed[list] === 1) for (const id of this.lists[list]!) used[id] = 1;
    // Walking ids in rank order yields the sorted dictionary of used values without a sort.
    const dictionary: (string | null)[] = [];
    const remap = new Uint32Array(this.values.length);
    for (let rank = 0; rank < this.byRank.length; rank++) {
      const id = this.byRank[rank]!;
      if (used[id] === 0) continue;
      remap[id] = dictionary.length;
      dictionary.push(this.values[id]!);
    }
    return multiValue ? this.multiValueSnapshot(order, dictionary, remap) : this.singleValueSnapshot(order, dictionary, remap);
  }

  private singleValueSnapshot(order: Uint32Array, dictionary: Dictionary, remap: Uint32Array): ColumnData {
    const keys = this.keys.data;
    const ids = allocateIds(dictionary.length, order.length);
    for (let index = 0; index < order.length; index++) ids[index] = remap[keys[order[index]!]!]!;
    return { kind: 'string', multiValue: false, dictionary, ids };
  }

  private multiValueSnapshot(order: Uint32Array, dictionary: Dictionary, remap: Uint32Array): ColumnData {
    const keys = this.keys.data;
    const offsets = new Uint32Array(order.length + 1);
    let total = 0;
    for (let index = 0; index < order.length; index++) {
      const key = keys[order[index]!]!;
      total += key >= 0 ? 1 : this.lists[-key - 1]!.length;
      offsets[index + 1] = total;
    }
    const ids = allocateIds(dictionary.length, total);
    let position = 0;
    for (let index = 0; index < order.length; index++) {
      const key = keys[order[index]!]!;
      if (key >= 0) ids[position++] = remap[key]!;
      else for (const id of this.lists[-key - 1]!) ids[position++] = remap[id]!;
    }
    return { kind: 'string', multiValue: true, dictionary, offsets, ids };
  }

  clear(): void {
    this.idOf = new Map();
    this.values = [null];
    this.listIndexOf = new Map();
    this.lists = [];
    this.keys.clear();
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
    const value = this.schema.type === 'long' ? Math.trunc(number) : this.schema.type === 'float' ? Math.fround(number) : number;
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

  stageKey(key: number): void {
    this.stagedKey = key;
  }

  partial(): PartialDimension {
    return { values: this.values, lists: [], keys: this.keys.data.subarray(0, this.keys.length), sorted: false };
  }

  importPartials(partials: readonly PartialDimension[]): Int32Array[] {
    return partials.map((partial) => {
      const remap = new Int32Array(partial.values.length);
      for (let key = 1; key < remap.length; key++) remap[key] = this.intern(partial.values[key] as number);
      const keys = new Int32Array(partial.keys.length);
      for (let row = 0; row < keys.length; row++) keys[row] = remap[partial.keys[row]!]!;
      return keys;
    });
  }

  appendKeys(keys: Int32Array): void {
    appendAll(this.keys, keys);
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
    const keys = this.keys.data;
    const type = this.schema.type as 'long' | 'float' | 'double';
    const values = type === 'float' ? new Float32Array(order.length) : new Float64Array(order.length);
    const nullRows: number[] = [];
    for (let index = 0; index < order.length; index++) {
      const key = keys[order[index]!]!;
      if (key === NULL_KEY) nullRows.push(index);
      else values[index] = this.values[key]!;
    }
    return { kind: type, values, nulls: nullRows.length === 0 ? null : new RoaringBitmap32(nullRows) };
  }

  clear(): void {
    this.idOf = new Map();
    this.values = [Number.NaN];
    this.keys.clear();
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

function appendAll(target: GrowableInt32Array, keys: Int32Array): void {
  target.reserve(keys.length);
  target.data.set(keys, target.length);
  target.length += keys.length;
}

export function createDimensionColumn(schema: DimensionSchema): DimensionColumn {
  return schema.type === 'string' ? new StringDimensionColumn(schema) : new NumericDimensionColumn(schema);
}
