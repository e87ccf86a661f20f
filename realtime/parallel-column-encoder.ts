// Encodes a segment's columns on the ingestion worker threads while the calling thread hands out the
// next column and writes finished ones (writeEncodedSegment): the single-threaded tail of batch
// ingestion after the rows are read. A column whose index storage the segment mostly covers goes as
// that storage plus the shared sorted order, so the worker also builds the column (gatherColumn);
// others are built here and sent as columns. At most `workers` columns are out at once, so every
// request finds an idle worker. Building and encoding are deterministic, so the file is byte for
// byte the single-threaded writer's.
import { encodeColumn } from '../segment-format/column-encoder.js';
import { columnMessage, type Transfer } from '../segment-format/column-transfer.js';
import type { EncodedColumn } from '../segment-format/encoded-column.js';
import type { ColumnStorage } from './column-gather.js';
import { IngestWorkerCrash, type IngestWorkerPool } from './ingest-worker-pool.js';
import type { ColumnGatherSource, ColumnSource } from './sorted-index-rows.js';

/** Encodes columns, perhaps elsewhere; the result is always encodeColumn's for the source's column. */
export interface ColumnEncoder {
  /**
   * Encodes source.produce()'s column, `rowCount` rows. The source is read before this returns and
   * perhaps again (a worker died) until the promise settles: its index must not change until then.
   */
  encode(source: ColumnSource, rowCount: number): Promise<EncodedColumn>;
}

/** Encodes on this thread, at once. */
export const localColumnEncoder: ColumnEncoder = {
  encode: (source, rowCount) => {
    try {
      return Promise.resolve(encodeColumn(source.name, source.produce(), rowCount));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  },
};

/** A segment covering at least this share of the index's rows has its columns gathered on the workers. */
const GATHER_SHARE_MIN = 0.25;

export class ParallelColumnEncoder implements ColumnEncoder {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly signal: AbortSignal;

  constructor(
    private readonly pool: IngestWorkerPool,
    /** Columns encoding at once (the workers this encoder may occupy). */
    private readonly workers: number,
    signal?: AbortSignal,
  ) {
    this.signal = signal ?? new AbortController().signal;
  }

  async encode(source: ColumnSource, rowCount: number): Promise<EncodedColumn> {
    const send = this.request(source, rowCount);
    if (this.active >= this.workers) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await send();
    } catch (error) {
      // The worker died with the column: encode it here.
      if (error instanceof IngestWorkerCrash && !this.signal.aborted) return encodeColumn(source.name, source.produce(), rowCount);
      throw error;
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Reads the source now (it may change once encode returns); the result sends it to a worker. */
  private request(source: ColumnSource, rowCount: number): () => Promise<EncodedColumn> {
    const gather = source.gather?.() ?? null;
    if (gather !== null && (gather.end - gather.start) >= GATHER_SHARE_MIN * storageRows(gather.storage)) {
      const storage = storageMessage(gather);
      return () => this.pool.gatherColumn(source.name, storage, gather.order, gather.start, gather.end, this.signal);
    }
    const column = columnMessage(source.produce());
    return () => this.pool.encodeColumn(source.name, column, rowCount, this.signal);
  }
}

function storageRows(storage: ColumnStorage): number {
  return storage.kind === 'metric' ? storage.values.length : storage.keys.length;
}

/**
 * The storage as a message: typed arrays in shared memory are shared; others (the index's own) are
 * copied into buffers to transfer.
 */
function storageMessage({ storage }: ColumnGatherSource): Transfer<ColumnStorage> {
  const transferList: ArrayBuffer[] = [];
  const copy = <T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(array: T): T => {
    if (array.buffer instanceof SharedArrayBuffer) return array;
    const copied = array.slice() as T;
    transferList.push(copied.buffer as ArrayBuffer);
    return copied;
  };
  switch (storage.kind) {
    case 'metric':
      return { message: { ...storage, values: copy(storage.values) }, transferList };
    case 'numericDimension':
      return { message: { ...storage, keys: copy(storage.keys) }, transferList };
    case 'stringDimension':
      return { message: { ...storage, keys: copy(storage.keys), byRank: copy(storage.byRank) }, transferList };
  }
}
