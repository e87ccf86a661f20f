// How a worker's partial result reaches the main thread. Structured clone (postMessage's own copy)
// carries Maps, typed arrays, bigints, NaN and shared scan `columns` arrays as they are, and is
// several times cheaper than JSON with a replacer for partials of many groups. It drops class
// prototypes, and the only class instances partials hold are HyperLogLog sketches, so queries whose
// aggregators may build sketches go through the wire codec instead, which tags and revives them.
import { partialFromWire, partialToWire } from '../partial-result-codec.js';
import type { Query } from '../query.js';
import type { ScanRow } from '../query-types/scan/scan-engine.js';
import type { PartialResult } from '../run-query.js';

export type PartialTransferMode = 'clone' | 'wire';

/**
 * Scan rows travel column-free: one run per (segment, columns) and the rows' times and values in flat
 * arrays, since cloning one small object per row costs far more than the values (measured 3x on
 * 100,000 rows).
 */
interface PackedScanRows {
  readonly mode: 'scan';
  readonly runs: readonly { readonly segmentId: string; readonly columns: readonly string[]; readonly count: number }[];
  readonly timeMs: Float64Array;
  readonly values: readonly unknown[];
}

/** What a worker posts for one partial. */
export type TransferredPartial =
  | { readonly mode: 'clone'; readonly partial: PartialResult }
  | { readonly mode: 'wire'; readonly text: string }
  | PackedScanRows;

const sketchTypes = /hyperUnique|cardinality/;

/** 'wire' when an aggregator of the query (nested ones included) may produce a HyperLogLog partial. */
export function partialTransferModeOf(query: Query): PartialTransferMode {
  if (!('aggregations' in query)) return 'clone';
  // Filtered aggregators nest their delegate's JSON, so one look at the whole JSON covers them.
  const json = JSON.stringify(query.aggregations.map((aggregation) => aggregation.json));
  return sketchTypes.test(json) ? 'wire' : 'clone';
}

export function packPartial(partial: PartialResult, mode: PartialTransferMode): TransferredPartial {
  if (partial.queryType === 'scan') return packScanRows(partial.rows);
  return mode === 'clone' ? { mode, partial } : { mode, text: partialToWire(partial) };
}

export function unpackPartial(transferred: TransferredPartial): PartialResult {
  switch (transferred.mode) {
    case 'clone':
      return transferred.partial;
    case 'wire':
      return partialFromWire(transferred.text);
    case 'scan':
      return { queryType: 'scan', rows: unpackScanRows(transferred) };
  }
}

function packScanRows(rows: readonly ScanRow[]): PackedScanRows {
  const runs: { segmentId: string; columns: readonly string[]; count: number }[] = [];
  const timeMs = new Float64Array(rows.length);
  const values: unknown[] = [];
  let run: (typeof runs)[number] | null = null;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    if (run === null || run.segmentId !== row.segmentId || run.columns !== row.columns) runs.push((run = { segmentId: row.segmentId, columns: row.columns, count: 0 }));
    run.count++;
    timeMs[index] = row.timeMs;
    for (let column = 0; column < row.values.length; column++) values.push(row.values[column]);
  }
  return { mode: 'scan', runs, timeMs, values };
}

function unpackScanRows(packed: PackedScanRows): ScanRow[] {
  const rows = new Array<ScanRow>(packed.timeMs.length);
  let index = 0;
  let offset = 0;
  for (const { segmentId, columns, count } of packed.runs) {
    for (let end = index + count; index < end; index++) {
      rows[index] = { segmentId, columns, timeMs: packed.timeMs[index]!, values: packed.values.slice(offset, offset + columns.length) };
      offset += columns.length;
    }
  }
  return rows;
}
