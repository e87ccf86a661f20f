// What a parallel ingestion worker hands back: its in-memory index taken apart into plain arrays that
// cross threads cheaply (typed arrays are transferred, value lists structured-cloned). The main
// thread appends partial indexes in input order, remapping each column's keys to its own (one pass).

/** One dimension column of a partial index. */
export interface PartialDimension {
  /** Interned values by key; key 0 is always null. Strings for string dimensions, numbers for numeric ones. */
  readonly values: readonly (string | number | null)[];
  /** Multi-value lists of string dimensions: key -(i + 1) is lists[i], a list of keys into `values`. */
  readonly lists: readonly (readonly number[])[];
  /** Each row's key, rowCount long. */
  readonly keys: Int32Array;
  /** True when values[1..] ascend (string order, as prepareCompare ranks them), so dictionaries merge without hashing. */
  readonly sorted: boolean;
}

/** An index's rows in insertion order (rolled up when the schema rolls up). */
export interface PartialIndex {
  readonly rowCount: number;
  /** Row times, already truncated to the query granularity. */
  readonly times: Float64Array;
  /** Dimension columns in schema order (a fixed schema: no discovery). */
  readonly dimensions: readonly PartialDimension[];
  /** Per metric, each row's partial value (NaN for null). */
  readonly metrics: readonly Float64Array[];
}

/** Rows [from, to) of partials[partial]: IncrementalIndex.appendPartials appends spans in the order given. */
export interface PartialSpan {
  readonly partial: number;
  readonly from: number;
  readonly to: number;
}

/** The buffers a postMessage may transfer instead of copy. */
export function transferablesOf(partial: PartialIndex): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  // Shared memory is shared, never transferred.
  const add = (array: Float64Array | Int32Array): void => {
    if (!(array.buffer instanceof SharedArrayBuffer)) buffers.add(array.buffer);
  };
  add(partial.times);
  for (const dimension of partial.dimensions) add(dimension.keys);
  for (const metric of partial.metrics) add(metric);
  return [...buffers];
}
