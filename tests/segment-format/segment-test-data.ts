// Shared helpers for the segment-format tests: a seeded PRNG, temp directories, and a standard info.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SegmentInfo } from '../../segment-format/segment-metadata.js';

/** mulberry32: small, fast, deterministic. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInteger(random: () => number, lowInclusive: number, highExclusive: number): number {
  return lowInclusive + Math.floor(random() * (highExclusive - lowInclusive));
}

export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'sediment-segment-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const DAY_MS = 86_400_000;
export const DAY_START_MS = Date.UTC(2024, 0, 15);

export function testInfo(rowCount: number, overrides: Partial<SegmentInfo> = {}): SegmentInfo {
  return {
    dataSource: 'wikipedia',
    interval: { startMs: DAY_START_MS, endMs: DAY_START_MS + DAY_MS },
    version: '2024-02-01T00:00:00.000Z',
    partition: 0,
    rowCount,
    rollup: false,
    queryGranularity: { type: 'none' },
    dimensions: [],
    metrics: [],
    ...overrides,
  };
}

/** Sorted random times inside [DAY_START_MS, DAY_START_MS + DAY_MS), with many duplicates. */
export function randomTimes(random: () => number, rowCount: number): Float64Array {
  const times = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row++) times[row] = DAY_START_MS + Math.floor(random() * 1000) * 86_400;
  return times.sort();
}
