// The in-memory run store (realtime/run-store.ts): rounds appended as runs (growing its arrays past
// the capacity hint), dimensions that appear in a later run, and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnStorage } from '../../realtime/column-gather.js';
import { storedNullOf } from '../../realtime/column-gather.js';
import { RunStore } from '../../realtime/run-store.js';
import type { ColumnSource } from '../../realtime/sorted-index-rows.js';

/** A source over index-like storage, read in the given order. */
function source(name: string, storage: ColumnStorage, order: number[]): ColumnSource {
  const shared = new Uint32Array(new SharedArrayBuffer(order.length * 4));
  shared.set(order);
  return { name, produce: () => assert.fail('the store reads storage, not columns'), gather: () => ({ storage, order: shared.buffer, start: 0, end: order.length }) };
}

function strings(keys: number[], values: (string | null)[], byRank: number[]): ColumnStorage {
  return { kind: 'stringDimension', keys: Int32Array.from(keys), values, lists: [], byRank: Int32Array.from(byRank) };
}

/** Stored numbers with null as NaN, whatever the storage. */
function numbersOf(store: RunStore, name: string): number[] {
  const values = store.numbers(name)!;
  const nullValue = storedNullOf(values);
  return [...values].map((value) => (value === nullValue ? Number.NaN : value));
}

function metric(values: number[]): ColumnStorage {
  return { kind: 'metric', storage: 'long', values: Float64Array.from(values) };
}

/** Rows in index order [0, n). */
const inOrder = (rows: number): number[] => Array.from({ length: rows }, (_, row) => row);

const absent = (name: string, rows: number): ColumnSource => ({
  name,
  produce: () => ({ kind: 'string', multiValue: false, dictionary: [null], ids: new Uint8Array(rows) }),
  gather: null,
});

test('runs go in end to end, grow past the hint, and unite their dictionaries', () => {
  const store = new RunStore(1);
  // Run 0: city keys 1=Paris 2=Lima (rank: null, Lima, Paris); tag absent; added with a null.
  store.add(Float64Array.from([10, 11, 12]), [
    source('city', strings([2, 1, 0], [null, 'Paris', 'Lima'], [0, 2, 1]), [1, 0, 2]),
    absent('tag', 3),
    source('added', { kind: 'metric', storage: 'long', values: Float64Array.from([5, Number.NaN, 7]) }, [2, 1, 0]),
    source('level', { kind: 'numericDimension', storage: 'double', keys: Int32Array.from([1, 0, 2]), values: [Number.NaN, 2.5, -1] }, [0, 1, 2]),
  ], 1);
  // Run 1: city Oslo, Lima; tag appears.
  store.add(Float64Array.from([13, 14]), [
    source('city', strings([1, 2], [null, 'Oslo', 'Lima'], [0, 2, 1]), [0, 1]),
    source('tag', strings([1, 1], [null, 'x'], [0, 1]), [0, 1]),
    source('added', { kind: 'metric', storage: 'long', values: Float64Array.from([1, 2]) }, [0, 1]),
    source('level', { kind: 'numericDimension', storage: 'double', keys: Int32Array.from([0, 1]), values: [Number.NaN, 4] }, [1, 0]),
  ], 1);
  assert.equal(store.rowCount, 5);
  assert.deepEqual([...store.starts()], [0, 3, 5]);
  assert.deepEqual([...store.allTimes()], [10, 11, 12, 13, 14]);
  // Run 0 rows in order [1, 0, 2]: keys 1 (Paris), 2 (Lima), 0 (null).
  const city = store.unitedStrings('city')!;
  assert.deepEqual(city.dictionary, [null, 'Lima', 'Oslo', 'Paris']);
  assert.deepEqual([...city.ids].map((id) => city.dictionary[id]), ['Paris', 'Lima', null, 'Oslo', 'Lima']);
  const tag = store.unitedStrings('tag')!;
  assert.deepEqual([...tag.ids].map((id) => tag.dictionary[id]), [null, null, null, 'x', 'x']);
  // A LONG metric whose values fit is stored in narrow integers; a numeric dimension stays float64.
  assert.ok(store.numbers('added') instanceof Uint8Array);
  assert.deepEqual(numbersOf(store, 'added'), [7, Number.NaN, 5, 1, 2]);
  assert.ok(store.numbers('level') instanceof Float64Array);
  assert.deepEqual(numbersOf(store, 'level'), [2.5, Number.NaN, -1, 4, Number.NaN]);
  assert.equal(store.unitedStrings('missing'), undefined);
  assert.equal(store.kindOf('level'), 'double');
});

test('stored runs read back as sorted runs, nulls as null rows', () => {
  const store = new RunStore(100);
  store.add(Float64Array.from([1, 2]), [
    source('city', strings([1, 0], [null, 'Oslo'], [0, 1]), [0, 1]),
    source('added', { kind: 'metric', storage: 'long', values: Float64Array.from([3, Number.NaN]) }, [0, 1]),
  ], 100);
  store.add(Float64Array.from([3]), [absent('city', 1), source('added', { kind: 'metric', storage: 'long', values: Float64Array.from([9]) }, [0])], 100);
  const [first, second] = store.sortedRuns();
  assert.deepEqual([...first!.time()], [1, 2]);
  const city = first!.column('city');
  assert.ok(city !== undefined && city.kind === 'string' && !city.multiValue);
  assert.deepEqual([...city.ids].map((id) => city.dictionary[id]), ['Oslo', null]);
  const added = first!.column('added');
  assert.ok(added !== undefined && added.kind === 'long');
  assert.deepEqual([...added.values], [3, 0]);
  assert.deepEqual([...added.nulls!.toUint32Array()], [1]);
  assert.equal(second!.column('city'), undefined);
  assert.equal(second!.columnType('added'), 'LONG');
});

test('multi-value rows and sketch metrics do not go in', () => {
  const multi: ColumnStorage = { kind: 'stringDimension', keys: Int32Array.from([-1]), values: [null, 'a', 'b'], lists: [[1, 2]], byRank: Int32Array.from([0, 1, 2]) };
  assert.equal(RunStore.accepts([source('tags', multi, [0])]), false);
  const sketch: ColumnSource = { name: 'users', produce: () => ({ kind: 'hyperUnique', values: [new Uint8Array(0)] }), gather: null };
  assert.equal(RunStore.accepts([sketch]), false);
  assert.equal(RunStore.accepts([absent('city', 1), source('city2', strings([1], [null, 'a'], [0, 1]), [0])]), true);
});

test('string ids widen from 1 to 2 to 4 bytes as dictionaries grow, in a later run or when united', () => {
  const names = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(6, '0')}`);
  /** A run of one row per value, keys 1..n over values [null, ...]. */
  const run = (values: string[]): ColumnSource =>
    source('key', strings(values.map((_, index) => index + 1), [null, ...values], inOrder(values.length + 1)), inOrder(values.length));
  const store = new RunStore(8);
  const runs = [names(200, 'a'), names(200, 'b'), names(300, 'c'), names(70_000, 'd')];
  for (const values of runs) store.add(new Float64Array(values.length), [run(values)], 100_000);
  const united = store.unitedStrings('key')!;
  assert.ok(united.ids instanceof Int32Array, 'a 70,000-value run needs 4-byte ids');
  assert.deepEqual([...united.ids].map((id) => united.dictionary[id]), runs.flat());

  // Two runs of 200 values each fit 1-byte ids, their union of 400 does not.
  const small = new RunStore(8);
  for (const values of runs.slice(0, 2)) small.add(new Float64Array(values.length), [run(values)], 1000);
  const smallUnited = small.unitedStrings('key')!;
  assert.ok(smallUnited.ids instanceof Uint16Array);
  assert.deepEqual([...smallUnited.ids].map((id) => smallUnited.dictionary[id]), runs.slice(0, 2).flat());
});

test('a LONG metric widens to the narrowest storage that holds each value, keeping every value and null', () => {
  const cases: [misfit: number, storage: string][] = [
    [255, 'Uint16Array'],
    [65_534, 'Uint16Array'],
    [65_535, 'Int32Array'],
    [-1, 'Int32Array'],
    [2 ** 31 - 1, 'Int32Array'],
    [2 ** 31, 'Float64Array'],
    [-(2 ** 31), 'Float64Array'],
    [2 ** 53, 'Float64Array'],
    [-3e12, 'Float64Array'],
    [0.5, 'Float64Array'],
  ];
  for (const [misfit, storage] of cases) {
    const store = new RunStore(4);
    store.add(Float64Array.from([1, 2, 3]), [source('added', metric([5, Number.NaN, 254]), [0, 1, 2])], 4);
    assert.ok(store.numbers('added') instanceof Uint8Array);
    // The misfit comes mid-run, after a null and a value that fit.
    store.add(Float64Array.from([4, 5, 6, 7]), [source('added', metric([Number.NaN, 8, misfit, 9]), [0, 1, 2, 3])], 4);
    store.add(Float64Array.from([8]), [source('other', metric([1]), [0])], 4);
    assert.equal(store.numbers('added')!.constructor.name, storage, `${misfit} widens the column to ${storage}`);
    assert.deepEqual(numbersOf(store, 'added'), [5, Number.NaN, 254, Number.NaN, 8, misfit, 9, Number.NaN]);
    const [, second] = store.sortedRuns();
    const added = second!.column('added');
    assert.ok(added !== undefined && added.kind === 'long');
    assert.deepEqual([...added.values], [0, 8, misfit, 9]);
    assert.deepEqual([...added.nulls!.toUint32Array()], [0]);
  }
  // Widening twice within one run, then a later run that fits the wider storage.
  const twice = new RunStore(4);
  twice.add(Float64Array.from([1, 2, 3, 4]), [source('added', metric([1, 300, Number.NaN, 100_000]), [0, 1, 2, 3])], 4);
  twice.add(Float64Array.from([5, 6]), [source('added', metric([Number.NaN, 7]), [1, 0])], 4);
  assert.ok(twice.numbers('added') instanceof Int32Array);
  assert.deepEqual(numbersOf(twice, 'added'), [1, 300, Number.NaN, 100_000, 7, Number.NaN]);
});
