// One memory budget for the decoded columns of every open segment file in the process. Columns are
// decoded on first use and kept for later queries; past the budget the least recently used ones are
// dropped from their file's cache (a query still holding one keeps it until it finishes) and decoded
// again when next asked for.
import { totalmem } from 'node:os';
import type { Column } from './columns.js';

/** What the budget can evict from: a segment file's column cache. */
export interface DecodedColumnCache {
  /** Drops the named column from the cache (a no-op if it is not cached). */
  evictColumn(name: string): void;
}

interface Entry {
  readonly cache: DecodedColumnCache;
  readonly name: string;
  readonly bytes: number;
}

/** A quarter of the machine's memory unless configured (see setDecodedColumnBudget). */
let limitBytes = Math.floor(totalmem() / 4);
let usedBytes = 0;
/** In use order: the first entry is the least recently used. Keyed per cache, then per column name. */
const entries = new Map<DecodedColumnCache, Map<string, Entry>>();
const order = new Set<Entry>();

/** Sets the budget (bytes of decoded columns, all open segment files together) and evicts down to it. */
export function setDecodedColumnBudget(bytes: number): void {
  limitBytes = bytes;
  evictPastLimit(null);
}

/** Bytes of decoded columns held now, and the limit. */
export function decodedColumnUsage(): { readonly usedBytes: number; readonly limitBytes: number } {
  return { usedBytes, limitBytes };
}

/** Records a newly decoded column; may evict others (never this one) to stay within the budget. */
export function columnDecoded(cache: DecodedColumnCache, name: string, column: Column): void {
  const entry: Entry = { cache, name, bytes: decodedBytesOf(column) };
  let byName = entries.get(cache);
  if (byName === undefined) entries.set(cache, (byName = new Map()));
  const previous = byName.get(name);
  if (previous !== undefined) forget(previous);
  byName.set(name, entry);
  order.add(entry);
  usedBytes += entry.bytes;
  evictPastLimit(entry);
}

/** Marks a cached column as just used. */
export function columnUsed(cache: DecodedColumnCache, name: string): void {
  const entry = entries.get(cache)?.get(name);
  if (entry === undefined) return;
  order.delete(entry);
  order.add(entry);
}

/** Stops accounting for a cache's columns (its file closed: they can no longer be decoded again). */
export function cacheClosed(cache: DecodedColumnCache): void {
  for (const entry of entries.get(cache)?.values() ?? []) forget(entry);
  entries.delete(cache);
}

function forget(entry: Entry): void {
  if (!order.delete(entry)) return;
  usedBytes -= entry.bytes;
  const byName = entries.get(entry.cache);
  if (byName?.get(entry.name) === entry) byName.delete(entry.name);
}

function evictPastLimit(keep: Entry | null): void {
  for (const entry of order) {
    if (usedBytes <= limitBytes) return;
    if (entry === keep) continue;
    forget(entry);
    entry.cache.evictColumn(entry.name);
  }
}

/** Approximate bytes a decoded column holds: its arrays, and its dictionary's strings. */
export function decodedBytesOf(column: Column): number {
  switch (column.kind) {
    case 'string': {
      let bytes = column.ids.byteLength + (column.multiValue ? column.offsets.byteLength : 0);
      for (const value of column.dictionary) bytes += 16 + (value === null ? 0 : 2 * value.length);
      return bytes;
    }
    case 'hyperUnique':
      return column.values.reduce((total, sketch) => total + sketch.byteLength + 16, 0);
    default:
      return column.values.byteLength;
  }
}
