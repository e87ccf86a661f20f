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
import RoaringModule from 'roaring';
import type { ColumnData, ColumnType, Dictionary } from '../segment-format/columns.js';
import { compareDictionaryValues } from '../segment-format/columns-from-rows.js';
import type { ColumnStorage } from './column-gather.js';
import type { SortedRun } from './run-file.js';
import type { ColumnSource } from './sorted-index-rows.js';

const { RoaringBitmap32 } = RoaringModule;

type NumericStorage = 'long' | 'float' | 'double';

/** A string dimension across the runs: per row the id in its run's dictionary (global after `unite`). */
interface StoredStrings {
  readonly kind: 'string';
  ids: Int32Array<SharedArrayBuffer>;
  /** Per run: its sorted dictionary, or null when the run lacked the dimension (every row null). */
  readonly dictionaries: (Dictionary | null)[];
}

/** A numeric dimension or metric across the runs: float64, NaN for null (and for runs without it). */
interface StoredNumbers {
  readonly kind: NumericStorage;
  values: Float64Array<SharedArrayBuffer>;
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
          for (let row = 0; row < ids.length; row++) target.ids[start + row] = ids[row]!;
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

  /** A run's numeric column as float64, NaN for null: straight from a run file when it can. */
  private addNumbers(name: string, kind: NumericStorage, sortedRun: SortedRun, start: number): void {
    const target = this.numberColumn(name, kind).values;
    if (sortedRun.readNumericInto?.(name, target, start) === true) return;
    const column = sortedRun.column(name) as Extract<ColumnData, { kind: NumericStorage }>;
    // A loop, not set(): V8 copies into a SharedArrayBuffer element by element, far slower.
    const values = column.values;
    for (let row = 0; row < values.length; row++) target[start + row] = values[row]!;
    if (column.nulls !== null) for (const row of column.nulls.toUint32Array()) target[start + row] = Number.NaN;
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
      else column.values.fill(Number.NaN, start, end);
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
        const ids = column.ids;
        for (let row = 0; row < order.length; row++) ids[start + row] = rankOf[keys[order[row]!]!]!;
        column.dictionaries[run] = dictionary;
        return;
      }
      case 'numericDimension': {
        const target = this.numberColumn(name, storage.storage).values;
        const { keys, values } = storage;
        for (let row = 0; row < order.length; row++) {
          const key = keys[order[row]!]!;
          target[start + row] = key === 0 ? Number.NaN : values[key]!;
        }
        return;
      }
      case 'metric': {
        const target = this.numberColumn(name, storage.storage).values;
        const values = storage.values;
        for (let row = 0; row < order.length; row++) target[start + row] = values[order[row]!]!;
        return;
      }
    }
  }

  private stringColumn(name: string): StoredStrings | null {
    const column = this.columns.get(name);
    return column !== undefined && column.kind === 'string' ? column : null;
  }

  /** A string column first seen in run `run`: the runs before it lacked it. */
  private newStrings(name: string, run: number): StoredStrings {
    const column: StoredStrings = { kind: 'string', ids: new Int32Array(new SharedArrayBuffer(this.capacity * 4)), dictionaries: new Array<Dictionary | null>(run).fill(null) };
    this.columns.set(name, column);
    return column;
  }

  private numberColumn(name: string, kind: NumericStorage): StoredNumbers {
    const existing = this.columns.get(name);
    if (existing !== undefined && existing.kind !== 'string') return existing;
    const column: StoredNumbers = { kind, values: new Float64Array(new SharedArrayBuffer(this.capacity * 8)) };
    // Rows of earlier runs that lacked it are null.
    column.values.fill(Number.NaN, 0, this.rows);
    this.columns.set(name, column);
    return column;
  }

  private grow(capacity: number): void {
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.rows));
    this.times = times;
    for (const [, column] of this.columns) {
      // Loops, not set(): V8 copies into a SharedArrayBuffer element by element, far slower.
      if (column.kind === 'string') {
        const ids = new Int32Array(new SharedArrayBuffer(capacity * 4));
        for (let row = 0; row < this.rows; row++) ids[row] = column.ids[row]!;
        column.ids = ids;
      } else {
        const values = new Float64Array(new SharedArrayBuffer(capacity * 8));
        for (let row = 0; row < this.rows; row++) values[row] = column.values[row]!;
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

  /** A numeric column's values, all runs (shared; NaN for null). */
  numbers(name: string): Float64Array<SharedArrayBuffer> | undefined {
    const column = this.columns.get(name);
    return column === undefined || column.kind === 'string' ? undefined : column.values.subarray(0, this.rows);
  }

  /**
   * A string column with ids into `dictionary` (the sorted union of the runs' dictionaries, null
   * first when present), made global in place: call once, after the last add. Undefined when no run had it.
   */
  unitedStrings(name: string): { dictionary: Dictionary; ids: Int32Array<SharedArrayBuffer> } | undefined {
    const column = this.stringColumn(name);
    if (column === null) return undefined;
    const dictionary = unionOfSorted(column.dictionaries.map((runDictionary) => runDictionary ?? [null]));
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
    const values = Float64Array.from(column.values.subarray(from, to));
    const nullRows: number[] = [];
    for (let row = 0; row < values.length; row++) {
      if (values[row] !== values[row]) {
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
