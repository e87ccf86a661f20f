// PartialResult on the wire, between historicals and brokers (and in the broker's segment cache).
// JSON with tagged values for what JSON cannot carry: Maps (grouped partials keep their keys),
// HyperLogLog sketches (as Druid sends hyperUnique partials: base64 of the serialized sketch),
// bytes, bigints and non-finite numbers. Chosen over Arrow IPC because partials are nested and
// heterogeneous (per-aggregator values, sketches, scan rows of mixed types); the codec is generic,
// so every query type round-trips through the same two functions and new partial shapes need no
// wire code.
import { SedimentError } from '../cluster/errors.js';
import { HyperLogLog } from './hyper-log-log.js';
import type { PartialResult } from './run-query.js';

const tag = '$sediment';

type Tagged =
  | { [tag]: 'map'; entries: [unknown, unknown][] }
  | { [tag]: 'hll'; base64: string }
  | { [tag]: 'bytes'; base64: string }
  | { [tag]: 'bigint'; text: string }
  | { [tag]: 'number'; text: 'NaN' | 'Infinity' | '-Infinity' };

function replace(this: unknown, key: string, value: unknown): unknown {
  // toJSON (HyperLogLog has one) runs before the replacer, so look at the holder's original value.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof HyperLogLog) return { [tag]: 'hll', base64: String(value) } as Tagged;
  if (typeof value === 'number') return Number.isFinite(value) ? value : ({ [tag]: 'number', text: String(value) } as Tagged);
  if (typeof value === 'bigint') return { [tag]: 'bigint', text: value.toString() } as Tagged;
  if (value instanceof Map) return { [tag]: 'map', entries: [...value.entries()] } as Tagged;
  if (value instanceof Uint8Array) return { [tag]: 'bytes', base64: Buffer.from(value).toString('base64') } as Tagged;
  return value;
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, tag)) return value;
  const tagged = value as Tagged;
  switch (tagged[tag]) {
    case 'map':
      return new Map(tagged.entries);
    case 'hll':
      return HyperLogLog.fromBase64(tagged.base64);
    case 'bytes':
      return new Uint8Array(Buffer.from(tagged.base64, 'base64'));
    case 'bigint':
      return BigInt(tagged.text);
    case 'number':
      return Number(tagged.text);
  }
  throw new SedimentError('internal', `assertion failed: unknown wire tag ${JSON.stringify((value as Record<string, unknown>)[tag])}`);
}

/** The partial as wire text. Does not consume the partial. */
export function partialToWire(partial: PartialResult): string {
  return JSON.stringify(partial, replace);
}

/** A fresh partial from wire text (safe to merge, which mutates). */
export function partialFromWire(text: string): PartialResult {
  const partial = JSON.parse(text, revive) as PartialResult;
  if (typeof partial !== 'object' || partial === null || typeof partial.queryType !== 'string') {
    throw new SedimentError('internal', 'assertion failed: wire text holds no partial result');
  }
  return internScanColumns(partial);
}

/**
 * Scan rows of one segment share one `columns` array, and finalizing starts a new batch where that
 * array changes (by identity); decoded rows each have their own copy, so equal ones are shared again.
 */
function internScanColumns(partial: PartialResult): PartialResult {
  if (partial.queryType !== 'scan') return partial;
  const shared = new Map<string, readonly string[]>();
  for (const row of partial.rows) {
    const key = JSON.stringify(row.columns);
    const existing = shared.get(key);
    if (existing === undefined) shared.set(key, row.columns);
    else (row as { columns: readonly string[] }).columns = existing;
  }
  return partial;
}

/** Any value holding partials (e.g. a sub-query response) as wire text, tagging them the same way. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replace);
}

/** Inverse of encodeWire. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (key, value) => {
    const revived = revive(key, value);
    const candidate = revived as Partial<PartialResult> | null;
    return key === 'partial' && typeof candidate === 'object' && candidate !== null && candidate.queryType === 'scan' ? internScanColumns(candidate as PartialResult) : revived;
  });
}
