import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT_HASHES_MAX, HyperLogLog } from '../../query/hyper-log-log.js';
import { hash53OfString, murmur3X86Hash128 } from '../../query/murmur3.js';

/** mulberry32: deterministic floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function sketchOf(values: Iterable<string>): HyperLogLog {
  const sketch = HyperLogLog.create();
  for (const value of values) sketch.addString(value);
  return sketch;
}

function hex128(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint32Array(4);
  murmur3X86Hash128(bytes, bytes.length, 0, out);
  return [...out].map((word) => word.toString(16).padStart(8, '0')).join('');
}

test('murmur3 x86_128 matches published reference vectors for every tail length class', () => {
  // Vectors from the reference implementation (SMHasher MurmurHash3_x86_128, seed 0), h1..h4.
  assert.equal(hex128(''), '00000000000000000000000000000000');
  assert.equal(hex128('H'), 'f69feb5df45637a0f45637a0f45637a0');
  assert.equal(hex128('Hello'), '2360ae465e6336c6ad45b3f4ad45b3f4');
  assert.equal(hex128('Hello Worl'), '2444bd95337fb2193d57dfac56dfdf0c');
  assert.equal(hex128('Hello World!'), '6bee9883eb1be4f59dfb7172ae3fbea9');
  assert.equal(hex128('Hello World! H'), 'aaadb4452b35ce375a481289ecaa84fe');
  assert.equal(hex128('Hello World! Hel'), '82475db0161f88d8850474822a76794a');
  assert.equal(hex128('Hello World! Hello'), '453fc5363af752fbaa52e054540a402c');
  assert.equal(hex128('Hello World! Hello World! Hello Wor'), '39ac02d0185658e57e1daf6b7b1ccf52');
  assert.equal(hex128('メロ'), 'c2d1e50add88ceacd2e42bd3d2e42bd3');
});

test('hash53OfString yields integers below 2^53 and matches the bytes hash', () => {
  for (const value of ['', 'a', 'hello world', 'é', 'x'.repeat(1000)]) {
    const hash = hash53OfString(value);
    assert.ok(Number.isSafeInteger(hash) && hash >= 0, `${value}: ${hash}`);
    assert.equal(hash53OfString(value), hash);
  }
  assert.notEqual(hash53OfString('a'), hash53OfString('b'));
});

test('an empty sketch estimates 0 and serializes to a tiny round-trippable form', () => {
  const sketch = HyperLogLog.create();
  assert.equal(sketch.estimate(), 0);
  assert.ok(sketch.isEmpty());
  const bytes = sketch.serialize();
  assert.equal(bytes.length, 3);
  assert.equal(HyperLogLog.deserialize(bytes).estimate(), 0);
});

test('small sets are counted exactly, duplicates ignored', () => {
  for (const size of [1, 10, 100, EXACT_HASHES_MAX]) {
    const sketch = HyperLogLog.create();
    for (let repeat = 0; repeat < 3; repeat++) for (let index = 0; index < size; index++) sketch.addString(`value-${index}`);
    assert.equal(sketch.estimate(), size, `size ${size}`);
  }
});

test('estimates are within 3 standard errors of the truth on random data (10, 1k, 100k, 1M)', () => {
  const random = seededRandom(7);
  for (const size of [10, 1_000, 100_000, 1_000_000]) {
    const truth = new Set<string>();
    const sketch = HyperLogLog.create();
    // Draw with repetition from a pool 1.5× the target, so repeats are exercised too.
    while (truth.size < size) {
      const value = `u${Math.floor(random() * size * 1.5)}`;
      truth.add(value);
      sketch.addString(value);
    }
    const error = Math.abs(sketch.estimate() - truth.size) / truth.size;
    assert.ok(error < 0.07, `size ${size}: estimate ${sketch.estimate()} vs ${truth.size}`);
  }
});

test('the standard error over many sketches is about 1.04/sqrt(2048)', () => {
  const trials = 60;
  const size = 20_000;
  let squaredErrors = 0;
  let errors = 0;
  for (let trial = 0; trial < trials; trial++) {
    const sketch = HyperLogLog.create();
    for (let index = 0; index < size; index++) sketch.addString(`${trial}:${index}`);
    const error = sketch.estimate() / size - 1;
    errors += error;
    squaredErrors += error * error;
  }
  const bias = errors / trials;
  const standardError = Math.sqrt(squaredErrors / trials);
  assert.ok(Math.abs(bias) < 0.01, `bias ${bias}`);
  assert.ok(standardError < 0.035, `standard error ${standardError}`);
});

test('merging parts equals the sketch of the union, across exact, sparse and dense forms', () => {
  const random = seededRandom(11);
  for (const [sizeA, sizeB] of [
    [5, 7],
    [200, 200],
    [40, 5_000],
    [30_000, 20_000],
  ] as const) {
    const partA: string[] = [];
    const partB: string[] = [];
    for (let index = 0; index < sizeA; index++) partA.push(`k${Math.floor(random() * (sizeA + sizeB))}`);
    for (let index = 0; index < sizeB; index++) partB.push(`k${Math.floor(random() * (sizeA + sizeB))}`);
    const union = sketchOf([...partA, ...partB]);
    const merged = sketchOf(partA).merge(sketchOf(partB));
    const mergedOtherWay = sketchOf(partB).merge(sketchOf(partA));
    assert.deepEqual(merged.serialize(), union.serialize(), `${sizeA}+${sizeB}`);
    assert.deepEqual(mergedOtherWay.serialize(), union.serialize(), `${sizeB}+${sizeA}`);
    assert.equal(merged.estimate(), union.estimate());
    const viaBytes = sketchOf(partA).mergeSerialized(sketchOf(partB).serialize());
    assert.deepEqual(viaBytes.serialize(), union.serialize());
  }
});

test('serialize round trips in each form and picks the compact one', () => {
  const exact = sketchOf(Array.from({ length: 50 }, (_, index) => `e${index}`));
  const sparse = sketchOf(Array.from({ length: 400 }, (_, index) => `s${index}`));
  const dense = sketchOf(Array.from({ length: 50_000 }, (_, index) => `d${index}`));
  assert.equal(exact.serialize()[0], 1);
  assert.equal(exact.serialize().length, 3 + 50 * 7);
  assert.equal(sparse.serialize()[0], 2);
  assert.ok(sparse.serialize().length < 2049);
  assert.equal(dense.serialize()[0], 3);
  assert.equal(dense.serialize().length, 2049);
  for (const sketch of [exact, sparse, dense]) {
    const copy = HyperLogLog.deserialize(sketch.serialize());
    assert.equal(copy.estimate(), sketch.estimate());
    assert.deepEqual(copy.serialize(), sketch.serialize());
    assert.equal(HyperLogLog.fromBase64(JSON.parse(JSON.stringify(sketch)) as string).estimate(), sketch.estimate());
  }
});

test('clone is independent of the original', () => {
  const original = sketchOf(['a', 'b']);
  const copy = original.clone();
  copy.addString('c');
  assert.equal(original.estimate(), 2);
  assert.equal(copy.estimate(), 3);
});

test('deserialize rejects malformed bytes', () => {
  const valid = sketchOf(['a', 'b', 'c']).serialize();
  const sparse = sketchOf(Array.from({ length: 400 }, (_, index) => `s${index}`)).serialize();
  const dense = sketchOf(Array.from({ length: 50_000 }, (_, index) => `d${index}`)).serialize();
  const badRegister = dense.slice();
  badRegister[10] = 60;
  const badIndex = sparse.slice();
  badIndex[4] = 0xff; // index high byte → index ≥ 2048
  const bigHash = valid.slice();
  bigHash[9] = 0xff; // top byte of the first hash → ≥ 2^53
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['unknown format', Uint8Array.of(9, 0, 0)],
    ['truncated header', Uint8Array.of(1, 0)],
    ['length mismatch', valid.subarray(0, valid.length - 1)],
    ['dense length', dense.subarray(0, 100)],
    ['register out of range', badRegister],
    ['sparse index out of range', badIndex],
    ['hash over 53 bits', bigHash],
  ];
  for (const [label, bytes] of cases) {
    assert.throws(() => HyperLogLog.deserialize(bytes), /malformed HyperLogLog/, label);
  }
});

test('addHash accepts caller-computed hashes and matches addString for the same hash', () => {
  const viaString = sketchOf(['x', 'y']);
  const viaHash = HyperLogLog.create();
  viaHash.addHash(hash53OfString('x'));
  viaHash.addHash(hash53OfString('y'));
  assert.deepEqual(viaHash.serialize(), viaString.serialize());
});
