import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Column, ColumnData, MultiValueStringColumn, StringColumn } from '../../segment-format/columns.js';
import { complexColumn, multiValueStringColumn, numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { verifySegment } from '../../segment-format/segment-verifier.js';
import { pick, randomInteger, randomTimes, seededRandom, temporaryDirectory, testInfo } from './segment-test-data.js';

type Kind = 'string' | 'multiString' | 'long' | 'float' | 'double' | 'hyperUnique';

/** The literal input of one column: what every row holds, before any encoding. */
interface SourceColumn {
  readonly name: string;
  readonly kind: Kind;
  readonly rows: readonly unknown[];
}

const STRING_POOL = ['', 'a', 'ab', 'B', 'Z', 'é', 'e\u0301', '日本語', '🎉 party', 'ünïcödé', ' ', 'null', 'zz'];

function randomString(random: () => number): string | null {
  const roll = random();
  if (roll < 0.1) return null;
  if (roll < 0.6) return pick(random, STRING_POOL);
  return `v${randomInteger(random, 0, 500)}${pick(random, ['', 'ß', '€', '𝄞'])}`;
}

function randomMultiValue(random: () => number): unknown {
  const roll = random();
  if (roll < 0.1) return null;
  if (roll < 0.2) return [];
  if (roll < 0.4) return randomString(random);
  return Array.from({ length: randomInteger(random, 1, 5) }, () => randomString(random));
}

function randomLong(random: () => number): number | null {
  const roll = random();
  if (roll < 0.1) return null;
  if (roll < 0.2) return pick(random, [2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53) + 1, 0, -1, 2 ** 32, -(2 ** 32), 2 ** 31 - 1, -(2 ** 31)]);
  return randomInteger(random, -1_000_000, 1_000_000) * pick(random, [1, 1, 1000, 1_000_000_000]);
}

function randomDouble(random: () => number): number | null {
  const roll = random();
  if (roll < 0.1) return null;
  if (roll < 0.15) return pick(random, [0.1, 1e300, -1e-300, 5e-324, Number.MAX_VALUE, -0]);
  return (random() - 0.5) * 10 ** randomInteger(random, -5, 12);
}

function randomBytes(random: () => number): Uint8Array {
  return Uint8Array.from({ length: random() < 0.1 ? 0 : randomInteger(random, 1, 40) }, () => randomInteger(random, 0, 256));
}

function randomSource(random: () => number, rowCount: number): SourceColumn[] {
  const rows = (make: (random: () => number) => unknown): unknown[] => Array.from({ length: rowCount }, () => make(random));
  return [
    { name: 'page', kind: 'string', rows: rows(randomString) },
    { name: 'tags', kind: 'multiString', rows: rows(randomMultiValue) },
    { name: 'added', kind: 'long', rows: rows(randomLong) },
    { name: 'ratio', kind: 'float', rows: rows(randomDouble) },
    { name: 'score', kind: 'double', rows: rows(randomDouble) },
    { name: 'users', kind: 'hyperUnique', rows: rows(randomBytes) },
  ];
}

function columnDataOf(source: SourceColumn): ColumnData {
  switch (source.kind) {
    case 'string':
      return stringColumn(source.rows);
    case 'multiString':
      return multiValueStringColumn(source.rows);
    case 'hyperUnique':
      return complexColumn(source.rows as Uint8Array[]);
    default:
      return numericColumn(source.kind, source.rows);
  }
}

/** Values of a row as the multi-value model stores them: null or [] is [null]. */
function multiValuesOf(value: unknown): (string | null)[] {
  if (Array.isArray(value)) return value.length === 0 ? [null] : (value as (string | null)[]);
  return [value as string | null];
}

function valuesOfRow(source: SourceColumn, row: number): (string | null)[] {
  return source.kind === 'multiString' ? multiValuesOf(source.rows[row]) : [source.rows[row] as string | null];
}

/** Reference dictionary: distinct values, null first, then `<` order. */
function expectedDictionary(source: SourceColumn): (string | null)[] {
  const distinct = new Set<string | null>();
  for (let row = 0; row < source.rows.length; row++) for (const value of valuesOfRow(source, row)) distinct.add(value);
  const strings = [...distinct].filter((value): value is string => value !== null).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return distinct.has(null) ? [null, ...strings] : strings;
}

function storedValuesOfRow(column: StringColumn | MultiValueStringColumn, row: number): (string | null)[] {
  const ids = column.multiValue ? [...column.ids.subarray(column.offsets[row]!, column.offsets[row + 1]!)] : [column.ids[row]!];
  return ids.map((id): string | null => column.dictionary[id]!);
}

function checkStringColumn(file: SegmentFile, source: SourceColumn): void {
  const column = file.column(source.name) as Column;
  assert.equal(column.kind, 'string');
  if (column.kind !== 'string') return;
  const dictionary = expectedDictionary(source);
  assert.deepEqual([...column.dictionary], dictionary, `${source.name} dictionary`);
  assert.equal(column.multiValue, source.kind === 'multiString');
  const expectedRows = new Map<string | null, number[]>(dictionary.map((value) => [value, []]));
  for (let row = 0; row < source.rows.length; row++) {
    const expected = valuesOfRow(source, row);
    assert.deepEqual(storedValuesOfRow(column, row), expected, `${source.name} row ${row}`);
    for (const value of new Set(expected)) expectedRows.get(value)!.push(row);
  }
  dictionary.forEach((value, id) => assert.deepEqual(column.bitmap(id).toArray(), expectedRows.get(value), `${source.name} bitmap of ${JSON.stringify(value)}`));
  assert.throws(() => column.bitmap(dictionary.length), RangeError);
  const stats = file.columnStats(source.name)!;
  const nonNull = dictionary.filter((value) => value !== null);
  assert.equal(stats.cardinality, dictionary.length);
  assert.equal(stats.hasNulls, dictionary[0] === null);
  assert.equal(stats.minValue, nonNull[0] ?? null);
  assert.equal(stats.maxValue, nonNull[nonNull.length - 1] ?? null);
  const multiValue = source.rows.some((_, row) => valuesOfRow(source, row).length > 1);
  assert.equal(stats.multiValue, multiValue);
  assert.equal(file.isMultiValue(source.name), multiValue);
}

function checkNumericColumn(file: SegmentFile, source: SourceColumn): void {
  const column = file.column(source.name)!;
  assert.equal(column.kind, source.kind);
  if (column.kind !== 'long' && column.kind !== 'float' && column.kind !== 'double') return;
  const nullRows: number[] = [];
  const present: number[] = [];
  source.rows.forEach((value, row) => {
    if (value === null) return void nullRows.push(row);
    const expected = source.kind === 'float' ? Math.fround(value as number) : (value as number);
    present.push(expected);
    assert.ok(Object.is(column.values[row], expected), `${source.name} row ${row}: ${column.values[row]} !== ${expected}`);
  });
  assert.deepEqual(column.nulls?.toArray() ?? [], nullRows, `${source.name} nulls`);
  const stats = file.columnStats(source.name)!;
  assert.equal(stats.hasNulls, nullRows.length > 0);
  // === rather than Object.is: JSON cannot tell -0 from 0, and either is a correct extreme.
  assert.ok(stats.minValue === (present.length === 0 ? null : Math.min(...present)), `${source.name} min ${stats.minValue}`);
  assert.ok(stats.maxValue === (present.length === 0 ? null : Math.max(...present)), `${source.name} max ${stats.maxValue}`);
}

function checkComplexColumn(file: SegmentFile, source: SourceColumn): void {
  const column = file.column(source.name)!;
  assert.equal(column.kind, 'hyperUnique');
  if (column.kind !== 'hyperUnique') return;
  assert.equal(column.values.length, source.rows.length);
  source.rows.forEach((value, row) => assert.deepEqual([...column.values[row]!], [...(value as Uint8Array)], `${source.name} row ${row}`));
  assert.equal(file.columnStats(source.name)!.hasNulls, source.rows.some((value) => (value as Uint8Array).length === 0));
}

const COLUMN_TYPES: Record<Kind, string> = {
  string: 'STRING',
  multiString: 'STRING',
  long: 'LONG',
  float: 'FLOAT',
  double: 'DOUBLE',
  hyperUnique: 'COMPLEX<hyperUnique>',
};

async function roundTrip(seed: number, rowCount: number): Promise<void> {
  const random = seededRandom(seed);
  const sources = randomSource(random, rowCount);
  const time = randomTimes(random, rowCount);
  const directory = temporaryDirectory();
  try {
    const path = join(directory.path, 'segment');
    const info = testInfo(rowCount, { dimensions: ['page', 'tags'], metrics: [{ name: 'added', aggregator: { type: 'longSum', name: 'added', fieldName: 'added' } }] });
    const written = await writeSegment(path, info, time, new Map(sources.map((source) => [source.name, columnDataOf(source)])));
    const file = await openSegment(path);
    try {
      assert.equal(file.sizeBytes, written.sizeBytes);
      assert.deepEqual(file.info, info);
      assert.equal(file.rowCount, rowCount);
      assert.equal(file.id, 'wikipedia_2024-01-15T00:00:00.000Z_2024-01-16T00:00:00.000Z_2024-02-01T00:00:00.000Z');
      assert.deepEqual([...file.time()], [...time]);
      assert.deepEqual(file.columnNames(), sources.map((source) => source.name));
      for (const source of sources) {
        assert.equal(file.columnType(source.name), COLUMN_TYPES[source.kind]);
        if (source.kind === 'string' || source.kind === 'multiString') checkStringColumn(file, source);
        else if (source.kind === 'hyperUnique') checkComplexColumn(file, source);
        else checkNumericColumn(file, source);
      }
      assert.equal(file.column('missing'), undefined);
      assert.equal(file.columnType('missing'), undefined);
      assert.equal(file.columnStats('missing'), undefined);
    } finally {
      file.close();
    }
    assert.deepEqual(await verifySegment(path), { ok: true, problems: [] });
  } finally {
    directory.remove();
  }
}

test('randomized round trips of every column kind', async () => {
  for (let seed = 1; seed <= 12; seed++) await roundTrip(seed, randomInteger(seededRandom(seed * 7919), 2, 3000));
});

test('zero rows', () => roundTrip(101, 0));

test('one row', async () => {
  for (let seed = 200; seed < 210; seed++) await roundTrip(seed, 1);
});

test('enough rows that every section spans several 64 KiB blocks', () => roundTrip(303, 70_000));
