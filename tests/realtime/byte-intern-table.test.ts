// ByteInternTable against a Map of decoded strings: random byte strings around the inline/arena
// boundary (7/8 bytes), near-identical values (one byte apart, one byte longer or shorter), any byte
// value, slices at odd offsets of Buffers and plain Uint8Arrays, and a constant hash so every probe
// collides and only the byte comparison tells values apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteInternTable, hashBytes } from '../../realtime/byte-intern-table.js';
import { random } from './ingestion-fixtures.js';

function randomBytes(next: () => number, alphabet: readonly number[]): number[] {
  const length = Math.floor(next() * 20);
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]!);
}

/** A near miss of `bytes`: one byte changed, one dropped or one added. */
function mutated(next: () => number, bytes: readonly number[]): number[] {
  const copy = [...bytes];
  const roll = next();
  const at = Math.floor(next() * (copy.length + 1));
  if (roll < 0.4 && copy.length > 0) copy[Math.min(at, copy.length - 1)] = (copy[Math.min(at, copy.length - 1)]! + 1) & 0xff;
  else if (roll < 0.7 && copy.length > 0) copy.splice(Math.min(at, copy.length - 1), 1);
  else copy.splice(at, 0, Math.floor(next() * 256));
  return copy;
}

/** The bytes placed at a random offset of a larger buffer, as a Buffer or a plain Uint8Array. */
function embedded(next: () => number, bytes: readonly number[]): { buffer: Uint8Array; start: number; end: number } {
  const before = Math.floor(next() * 9);
  const after = Math.floor(next() * 9);
  const backing = next() < 0.5 ? Buffer.alloc(before + bytes.length + after, 0x61) : new Uint8Array(before + bytes.length + after).fill(0x62);
  backing.set(bytes, before);
  const offset = Math.floor(next() * 3);
  const shifted = new Uint8Array(backing.length + offset);
  shifted.set(backing, offset);
  const buffer = next() < 0.5 ? backing : Buffer.from(shifted.buffer, offset, backing.length);
  return { buffer, start: before, end: before + bytes.length };
}

for (const constantHash of [false, true]) {
  test(`ByteInternTable finds exactly the inserted byte strings (${constantHash ? 'every hash equal' : 'real hashes'})`, () => {
    const next = random(constantHash ? 11 : 5);
    const alphabets = [[0x61, 0x62], [0x00, 0x20, 0x7f, 0x80, 0xff], Array.from({ length: 256 }, (_, byte) => byte)];
    const table = new ByteInternTable();
    const expected = new Map<string, number>();
    const inserted: number[][] = [];
    const operations = constantHash ? 3_000 : 40_000;
    for (let step = 0; step < operations; step++) {
      const alphabet = alphabets[Math.floor(next() * alphabets.length)]!;
      const bytes = inserted.length > 0 && next() < 0.5 ? mutated(next, inserted[Math.floor(next() * inserted.length)]!) : randomBytes(next, alphabet);
      const { buffer, start, end } = embedded(next, bytes);
      const hash = constantHash ? 7 : hashBytes(buffer, start, end);
      const name = Buffer.from(bytes).toString('hex');
      const found = table.find(buffer, start, end, hash);
      assert.equal(found, expected.get(name) ?? -1, `find ${name}`);
      if (found < 0 && next() < 0.7) {
        const key = expected.size * 3 + 1;
        table.insert(buffer, start, end, hash, key);
        expected.set(name, key);
        inserted.push(bytes);
      }
    }
    assert.equal(table.size, expected.size);
    assert.ok(expected.size > (constantHash ? 1_000 : 10_000), 'the table grew through several rehashes');
    for (const bytes of inserted) {
      const { buffer, start, end } = embedded(next, bytes);
      assert.equal(table.find(buffer, start, end, constantHash ? 7 : hashBytes(buffer, start, end)), expected.get(Buffer.from(bytes).toString('hex')));
    }
  });
}

test('ByteInternTable tells apart short values that differ only by trailing zero bytes', () => {
  const table = new ByteInternTable();
  const values = [[], [0], [0, 0], [0x61], [0x61, 0], [0x61, 0, 0, 0, 0, 0, 0], [0x61, 0, 0, 0, 0, 0, 0, 0]];
  values.forEach((value, key) => table.insert(Uint8Array.from(value), 0, value.length, 1, key));
  values.forEach((value, key) => assert.equal(table.find(Uint8Array.from(value), 0, value.length, 1), key, `value ${value.join(',')}`));
  assert.equal(table.find(Uint8Array.from([0, 0, 0]), 0, 3, 1), -1);
});
