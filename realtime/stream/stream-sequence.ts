// A sequence: the rows a task read from one set of start offsets up to its end offsets, held in
// sinks by time chunk. A sequence is published as a whole, with its offsets, in one metadata
// transaction; consumption continues into the next sequence meanwhile.
import type { StreamOffsets } from '../../cluster/ingestion-metadata-store.js';
import type { Sink } from './sink.js';

export interface StreamSequence {
  readonly number: number;
  /** When the sequence began (wall clock); late/early rejection and taskDuration count from it. */
  readonly startedMs: number;
  readonly startOffsets: StreamOffsets;
  /** Set when the sequence is closed for publishing. */
  endOffsets: StreamOffsets | null;
  /** Sinks by time-chunk start. */
  readonly sinks: Map<number, Sink>;
  /** Chunks that were current or future when their sink opened: their end closes the sequence. */
  readonly liveChunkEndsMs: number[];
  /** Whether any record was read into the sequence. */
  touched: boolean;
}

export function newSequence(number: number, startOffsets: StreamOffsets, startedMs: number): StreamSequence {
  return { number, startedMs, startOffsets, endOffsets: null, sinks: new Map(), liveChunkEndsMs: [], touched: false };
}

/** Rows held in memory by the sequence's sinks. */
export function rowsInMemoryOf(sequence: StreamSequence): number {
  let rows = 0;
  for (const sink of sequence.sinks.values()) rows += sink.rowsInMemory;
  return rows;
}
