// Batch ingestion's sorted runs kept in memory, laid end to end in one shared array per column, ready
// for the final merge (run-merge.ts) and for the workers that gather the final columns from them.
// Sealing a round is one pass per column from the index into these arrays: no file is written and
// read back, and nothing is copied again at the end. (On this kind of machine, fresh memory and file
// pages cost about as much as the copy itself; the merge needs every row's columns in memory anyway.)
//
// A round goes in when its columns have this compact form: single-value strings (as ids into the
// round's sorted dictionary, made global at the end), numbers and numeric metrics (float64, NaN for
// null). A round with multi-value rows or sketch metrics does not (`accepts`); the caller spills it
// to a run file instead, and reads the stored runs back through `sortedRuns()`.
//
// The arrays are as narrow as the values allow, since every byte stored is fresh memory (about half
// of batch ingestion's page faults on the bench's devops data were this store's): string ids take 1,
// 2 or 4 bytes as the dictionaries need, and LONG metrics 1, 2 or 4 bytes while every value fits
// (each integer type's null is the one value it cannot store as itself, see storedNullOf). A run that
// needs more widens the column, copying the rows before it.
import RoaringModule from 'roaring';
import { idWidthFor, type ColumnData, type ColumnType, type Dictionary } from '../segment-format/columns.js';
import { compareDictionaryValues } from '../segment-format/columns-from-rows.js';
import { INT32_NULL, storedNullOf, UINT16_NULL, UINT8_NULL, type ColumnStorage } from './column-gather.js';
import type { SortedRun } from './run-file.js';
import type { ColumnSource } from './sorted-index-rows.js';

const { RoaringBitmap32 } = RoaringModule;

type NumericStorage = 'long' | 'float' | 'double';

/** Stored string ids: the narrowest array that holds the largest dictionary so far. */
export type StoredIds = Uint8Array<SharedArrayBuffer> | Uint16Array<SharedArrayBuffer> | Int32Array<SharedArrayBuffer>;

/**
 * Stored numbers: float64 with NaN for null, or (LONG metrics whose values all fit) 1-, 2- or 4-byte
 * integers with storedNullOf(values) for null.
 */
export type StoredValues = Float64Array<SharedArrayBuffer> | Uint8Array<SharedArrayBuffer> | Uint16Array<SharedArrayBuffer> | Int32Array<SharedArrayBuffer>;

/** A string dimension across the runs: per row the id in its run's dictionary (global after `unite`). */
interface StoredStrings {
  readonly kind: 'string';
  ids: StoredIds;
  /** Per run: its sorted dictionary, or null when the run lacked the dimension (every row null). */
  readonly dictionaries: (Dictionary | null)[];
}

/** A numeric dimension or metric across the runs: null (see StoredValues) for runs without it too. */
interface StoredNumbers {
  readonly kind: NumericStorage;
  values: StoredValues;
}

type StoredColumn = StoredStrings | StoredNumbers;

export class RunStore {
  private capacity: number;
  private rows = 0;
  /** Run r holds rows [runStarts[r], runStarts[r + 1]). */
  private readonly runStarts: number[] = [0];
  private times: Float64Array;
  private readonly columns = new Map<string, StoredColumn>();

  constructor(capacityRows: number) {
    // Untouched pages of a large buffer cost nothing: a generous capacity is cheap.
    this.capacity = Math.max(1024, Math.ceil(capacityRows));
    this.times = new Float64Array(this.capacity);
  }

  get rowCount(): number {
    return this.rows;
  }

  get runCount(): number {
    return this.runStarts.length - 1;
  }

  /** Whether a sorted round with these column sources fits the store's compact form. */
  static accepts(sources: readonly ColumnSource[]): boolean {
    return sources.every((source) => {
      // No storage: a dimension the index lacks (all null, fine) or a sketch metric (not storable).
      if (source.gather === null) return source.produce().kind === 'string';
      const { storage } = source.gather();
      return storage.kind !== 'stringDimension' || storage.lists.length === 0;
    });
  }

  /**
   * Appends a sorted round (times ascending, its columns by name) as the next run. Call only when
   * `accepts(sources)`. The sources are read now; the index may change afterwards. `capacityHint`:
   * the rows all runs will likely hold, to size the arrays once.
   */
  add(times: Float64Array, sources: readonly ColumnSource[], capacityHint: number): void {
    this.addRun(times, capacityHint, (start, run) =>
      sources.map((source) => {
        // No storage: a dimension the index lacks, null on every row of the run (see the end of addRun).
        if (source.gather === null) return null;
        const { storage, order: orderBuffer, start: from, end: to } = source.gather();
        this.addColumn(source.name, storage, new Uint32Array(orderBuffer, from * 4, to - from), start, run);
        return source.name;
      }),
    );
  }

  /**
   * Appends a sorted run read back from elsewhere (a run file, a segment): its columns `names` (the
   * ones it lacks are null). Single-value strings and numbers only, as `add`.
   */
  addSortedRun(sortedRun: SortedRun, names: readonly string[], capacityHint: number): void {
    this.addRun(sortedRun.time(), capacityHint, (start, run) =>
      names.map((name) => {
        const type = sortedRun.columnType(name);
        if (type === 'STRING') {
          const column = sortedRun.column(name) as Extract<ColumnData, { kind: 'string' }>;
          const target = this.stringColumn(name) ?? this.newStrings(name, run);
          const ids = column.ids;
          const targetIds = this.idsHolding(target, column.dictionary.length);
          for (let row = 0; row < ids.length; row++) targetIds[start + row] = ids[row]!;
          target.dictionaries[run] = column.dictionary;
        } else if (type === 'LONG' || type === 'FLOAT' || type === 'DOUBLE') {
          this.addNumbers(name, type.toLowerCase() as NumericStorage, sortedRun, start);
        } else {
          return null;
        }
        return name;
      }),
    );
  }

  /** A run's numeric column (straight from a run file into float64 storage when it can). */
  private addNumbers(name: string, kind: NumericStorage, sortedRun: SortedRun, start: number): void {
    const column = this.numberColumn(name, kind, false);
    if (column.values instanceof Float64Array && sortedRun.readNumericInto?.(name, column.values, start) === true) return;
    const data = sortedRun.column(name) as Extract<ColumnData, { kind: NumericStorage }>;
    const values = Float64Array.from(data.values);
    if (data.nulls !== null) for (const row of data.nulls.toUint32Array()) values[row] = Number.NaN;
    this.storeNumbers(column, start, values, null);
  }

  /**
   * Stores values[order[i]] (values[i] without an order) at start + i, NaN for null: in the column's
   * integer type while every value fits, widening the column at the first that does not.
   */
  private storeNumbers(column: StoredNumbers, start: number, values: Float64Array, order: Uint32Array | null): void {
    const rows = order ?? identityOrder(values.length);
    for (let row = 0; row < rows.length; ) {
      const target = column.values;
      // One loop per storage type keeps each loop's stores monomorphic.
      if (target instanceof Float64Array) row = storeFloat64(target, start, values, rows, row);
      else if (target instanceof Uint8Array) row = storeUint8(target, start, values, rows, row);
      else if (target instanceof Uint16Array) row = storeUint16(target, start, values, rows, row);
      else row = storeInt32(target, start, values, rows, row);
      if (row < rows.length) this.widenNumbers(column, start + row, values[rows[row]!]!);
    }
  }

  /**
   * Appends a run of `times.length` rows: `fill(start, run)` stores its columns (rows from `start`)
   * and returns the names it stored (null for one it lacks); every other stored column is null there.
   */
  private addRun(times: Float64Array, capacityHint: number, fill: (start: number, run: number) => (string | null)[]): void {
    const start = this.rows;
    const end = start + times.length;
    if (end > this.capacity) this.grow(Math.max(end, Math.ceil(capacityHint), Math.ceil(this.capacity * 1.5)));
    this.times.set(times, start);
    const run = this.runCount;
    const filled = new Set(fill(start, run));
    this.rows = end;
    this.runStarts.push(end);
    for (const [name, column] of this.columns) {
      if (filled.has(name)) continue;
      if (column.kind === 'string') column.dictionaries[run] = null;
      else fillNull(column.values, start, end);
    }
  }

  private addColumn(name: string, storage: ColumnStorage, order: Uint32Array, start: number, run: number): void {
    switch (storage.kind) {
      case 'stringDimension': {
        const column = this.stringColumn(name) ?? this.newStrings(name, run);
        const { keys, values, byRank } = storage;
        const rankOf = new Int32Array(values.length);
        const dictionary: (string | null)[] = new Array(byRank.length);
        for (let rank = 0; rank < byRank.length; rank++) {
          rankOf[byRank[rank]!] = rank;
          dictionary[rank] = values[byRank[rank]!]!;
        }
        const ids = this.idsHolding(column, dictionary.length);
        // One loop per id width keeps each loop's stores monomorphic.
        if (ids instanceof Uint8Array) for (let row = 0; row < order.length; row++) ids[start + row] = rankOf[keys[order[row]!]!]!;
        else if (ids instanceof Uint16Array) for (let row = 0; row < order.length; row++) ids[start + row] = rankOf[keys[order[row]!]!]!;
        else for (let row = 0; row < order.length; row++) ids[start + row] = rankOf[keys[order[row]!]!]!;
        column.dictionaries[run] = dictionary;
        return;
      }
      case 'numericDimension': {
        const target = this.numberColumn(name, storage.storage, false).values as Float64Array;
        const { keys, values } = storage;
        for (let row = 0; row < order.length; row++) {
          const key = keys[order[row]!]!;
          target[start + row] = key === 0 ? Number.NaN : values[key]!;
        }
        return;
      }
      case 'metric': {
        if (!(storage.values instanceof Float64Array)) throw new Error('index metric storage is float64');
        this.storeNumbers(this.numberColumn(name, storage.storage, true), start, storage.values, order);
        return;
      }
    }
  }

  /** The column's ids, widened first when they cannot hold ids of a dictionary of `dictionarySize`. */
  private idsHolding(column: StoredStrings, dictionarySize: number): StoredIds {
    const width = idWidthFor(dictionarySize);
    if (width > column.ids.BYTES_PER_ELEMENT) {
      const wider = sharedIds(width, this.capacity);
      copyRows(wider, column.ids, this.rows);
      column.ids = wider;
    }
    return column.ids;
  }

  /**
   * Moves an integer column to the narrowest storage that also holds `value` (which its own cannot),
   * keeping rows [0, rows) and their nulls.
   */
  private widenNumbers(column: StoredNumbers, rows: number, value: number): void {
    const narrow = column.values;
    const wide = numbersOfType(storageHolding(value), this.capacity);
    const narrowNull = storedNullOf(narrow);
    const wideNull = storedNullOf(wide);
    for (let row = 0; row < rows; row++) {
      const stored = narrow[row]!;
      wide[row] = stored === narrowNull ? wideNull : stored;
    }
    column.values = wide;
  }

  private stringColumn(name: string): StoredStrings | null {
    const column = this.columns.get(name);
    return column !== undefined && column.kind === 'string' ? column : null;
  }

  /** A string column first seen in run `run`: the runs before it lacked it. Ids start 1 byte wide. */
  private newStrings(name: string, run: number): StoredStrings {
    const column: StoredStrings = { kind: 'string', ids: sharedIds(1, this.capacity), dictionaries: new Array<Dictionary | null>(run).fill(null) };
    this.columns.set(name, column);
    return column;
  }

  /** The numeric column `name`, created when new: in 1-byte integers when `compact` and LONG (metrics), else float64. */
  private numberColumn(name: string, kind: NumericStorage, compact: boolean): StoredNumbers {
    const existing = this.columns.get(name);
    if (existing !== undefined && existing.kind !== 'string') return existing;
    const values = numbersOfType(compact && kind === 'long' ? 'u8' : 'f64', this.capacity);
    const column: StoredNumbers = { kind, values };
    // Rows of earlier runs that lacked it are null.
    fillNull(values, 0, this.rows);
    this.columns.set(name, column);
    return column;
  }

  private grow(capacity: number): void {
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.rows));
    this.times = times;
    for (const [, column] of this.columns) {
      if (column.kind === 'string') {
        const ids = sharedIds(column.ids.BYTES_PER_ELEMENT as 1 | 2 | 4, capacity);
        copyRows(ids, column.ids, this.rows);
        column.ids = ids;
      } else {
        const values = numbersOfType(storageTypeOf(column.values), capacity);
        copyRows(values, column.values, this.rows);
        column.values = values;
      }
    }
    this.capacity = capacity;
  }

  /** Run r holds rows [starts[r], starts[r + 1]). */
  starts(): Uint32Array {
    return Uint32Array.from(this.runStarts);
  }

  /** Row times of all runs end to end. */
  allTimes(): Float64Array {
    return this.times.subarray(0, this.rows);
  }

  /** Kind of a stored column; undefined when no run had it. */
  kindOf(name: string): 'string' | NumericStorage | undefined {
    return this.columns.get(name)?.kind;
  }

  /** A numeric column's values, all runs (shared; null as storedNullOf(values)). */
  numbers(name: string): StoredValues | undefined {
    const column = this.columns.get(name);
    return column === undefined || column.kind === 'string' ? undefined : column.values.subarray(0, this.rows);
  }

  /**
   * A string column with ids into `dictionary` (the sorted union of the runs' dictionaries, null
   * first when present), made global in place: call once, after the last add. Undefined when no run had it.
   */
  unitedStrings(name: string): { dictionary: Dictionary; ids: StoredIds } | undefined {
    const column = this.stringColumn(name);
    if (column === null) return undefined;
    const dictionary = unionOfSorted(column.dictionaries.map((runDictionary) => runDictionary ?? [null]));
    this.idsHolding(column, dictionary.length);
    column.dictionaries.forEach((runDictionary, run) => {
      const from = this.runStarts[run]!;
      const to = this.runStarts[run + 1]!;
      // A run without the column holds nulls: id 0, which is null whenever some run lacks the column.
      if (runDictionary === null) return column.ids.fill(0, from, to);
      const toGlobal = positionsIn(runDictionary, dictionary);
      const ids = column.ids;
      for (let row = from; row < to; row++) ids[row] = toGlobal[ids[row]!]!;
      return ids;
    });
    return { dictionary, ids: column.ids.subarray(0, this.rows) };
  }

  /** The stored runs as SortedRuns (copies of their columns), for the row-by-row merge. Call before unitedStrings. */
  sortedRuns(): SortedRun[] {
    return Array.from({ length: this.runCount }, (_, run) => new StoredRun(this, this.runStarts[run]!, this.runStarts[run + 1]!, run));
  }

  /** Run `run`'s rows [from, to) of a column as segment column data; undefined when the run lacked it. */
  columnOf(name: string, run: number, from: number, to: number): ColumnData | undefined {
    const column = this.columns.get(name);
    if (column === undefined) return undefined;
    if (column.kind === 'string') {
      const dictionary = column.dictionaries[run] ?? null;
      if (dictionary === null) return undefined;
      return { kind: 'string', multiValue: false, dictionary, ids: Uint32Array.from(column.ids.subarray(from, to)) };
    }
    const stored = column.values.subarray(from, to);
    const values = Float64Array.from(stored);
    const nullRows: number[] = [];
    const nullValue = storedNullOf(stored);
    for (let row = 0; row < values.length; row++) {
      if (values[row] !== values[row] || values[row] === nullValue) {
        nullRows.push(row);
        values[row] = 0;
      }
    }
    return { kind: column.kind, values, nulls: nullRows.length === 0 ? null : new RoaringBitmap32(nullRows) };
  }
}

/** One stored run read back as a SortedRun. */
class StoredRun implements SortedRun {
  readonly rowCount: number;

  constructor(
    private readonly store: RunStore,
    private readonly from: number,
    private readonly to: number,
    private readonly run: number,
  ) {
    this.rowCount = to - from;
  }

  time(): Float64Array {
    return this.store.allTimes().slice(this.from, this.to);
  }

  column(name: string): ColumnData | undefined {
    return this.store.columnOf(name, this.run, this.from, this.to);
  }

  columnType(name: string): ColumnType | undefined {
    const column = this.column(name);
    if (column === undefined) return undefined;
    return column.kind === 'string' ? 'STRING' : (column.kind.toUpperCase() as ColumnType);
  }

  isMultiValue(): boolean {
    return false;
  }

  close(): void {}
}

function sharedIds(width: 1 | 2 | 4, capacity: number): StoredIds {
  const buffer = new SharedArrayBuffer(capacity * width);
  return width === 1 ? new Uint8Array(buffer) : width === 2 ? new Uint16Array(buffer) : new Int32Array(buffer);
}

/** target[0, rows) = source[0, rows): a loop (copying into shared memory with set() has been slow). */
function copyRows(target: StoredIds | StoredValues, source: StoredIds | StoredValues, rows: number): void {
  for (let row = 0; row < rows; row++) target[row] = source[row]!;
}

/** Marks rows [from, to) of stored numbers null. */
function fillNull(values: StoredValues, from: number, to: number): void {
  values.fill(storedNullOf(values), from, to);
}

type StorageType = 'u8' | 'u16' | 'i32' | 'f64';

function storageTypeOf(values: StoredValues): StorageType {
  return values instanceof Uint8Array ? 'u8' : values instanceof Uint16Array ? 'u16' : values instanceof Int32Array ? 'i32' : 'f64';
}

function numbersOfType(type: StorageType, capacity: number): StoredValues {
  if (type === 'u8') return new Uint8Array(new SharedArrayBuffer(capacity));
  if (type === 'u16') return new Uint16Array(new SharedArrayBuffer(capacity * 2));
  if (type === 'i32') return new Int32Array(new SharedArrayBuffer(capacity * 4));
  return new Float64Array(new SharedArrayBuffer(capacity * 8));
}

/** The narrowest storage that holds `value` as itself (its null excepted). */
function storageHolding(value: number): StorageType {
  if (value >>> 0 === value) {
    if (value < UINT8_NULL) return 'u8';
    if (value < UINT16_NULL) return 'u16';
  }
  return value === (value | 0) && value !== INT32_NULL ? 'i32' : 'f64';
}

let identity = new Uint32Array(0);

/** [0, 1, ..., length - 1] (shared scratch: read it before asking again). */
function identityOrder(length: number): Uint32Array {
  if (identity.length < length) {
    identity = new Uint32Array(length);
    for (let row = 0; row < length; row++) identity[row] = row;
  }
  return identity.subarray(0, length);
}

// store*: rows[from..] of values into target from start + from, until a value the type cannot hold
// (returned: where to go on after widening) or the end. NaN is null.

function storeUint8(target: Uint8Array, start: number, values: Float64Array, rows: Uint32Array, from: number): number {
  for (let row = from; row < rows.length; row++) {
    const value = values[rows[row]!]!;
    if (value >>> 0 === value && value < UINT8_NULL) target[start + row] = value;
    else if (value !== value) target[start + row] = UINT8_NULL;
    else return row;
  }
  return rows.length;
}

function storeUint16(target: Uint16Array, start: number, values: Float64Array, rows: Uint32Array, from: number): number {
  for (let row = from; row < rows.length; row++) {
    const value = values[rows[row]!]!;
    if (value >>> 0 === value && value < UINT16_NULL) target[start + row] = value;
    else if (value !== value) target[start + row] = UINT16_NULL;
    else return row;
  }
  return rows.length;
}

function storeInt32(target: Int32Array, start: number, values: Float64Array, rows: Uint32Array, from: number): number {
  for (let row = from; row < rows.length; row++) {
    const value = values[rows[row]!]!;
    if (value === (value | 0) && value !== INT32_NULL) target[start + row] = value;
    else if (value !== value) target[start + row] = INT32_NULL;
    else return row;
  }
  return rows.length;
}

function storeFloat64(target: Float64Array, start: number, values: Float64Array, rows: Uint32Array, from: number): number {
  for (let row = from; row < rows.length; row++) target[start + row] = values[rows[row]!]!;
  return rows.length;
}

/** The sorted union of sorted dictionaries (null first). */
function unionOfSorted(dictionaries: readonly Dictionary[]): (string | null)[] {
  const values = new Set<string | null>();
  for (const dictionary of dictionaries) for (const value of dictionary) values.add(value);
  return [...values].sort(compareDictionaryValues);
}

/** For each value of the sorted `subset`, its position in the sorted `all` (a linear walk of both). */
function positionsIn(subset: Dictionary, all: Dictionary): Int32Array {
  const positions = new Int32Array(subset.length);
  let at = 0;
  for (let index = 0; index < subset.length; index++) {
    const value = subset[index]!;
    while (all[at] !== value) at++;
    positions[index] = at;
  }
  return positions;
}
