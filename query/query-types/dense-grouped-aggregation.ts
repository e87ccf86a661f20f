// Fast path of grouped aggregation over single-value dimensions whose combined (time bucket ×
// dimension ids) key space is small (the common topN and groupBy): the mixed-radix number of a row's
// bucket and dimension ids is its group id, so there is no group table and no per-group allocation
// while rows are folded. Buckets are consecutive granularity buckets precomputed from the first and
// last selected row, so bucket ids come from walking boundaries, not from a call per row.
import { foldingAccumulators, type GroupedAccumulator } from '../aggregators/aggregator-factory.js';
import { DenseSums } from '../aggregators/dense-sums.js';
import type { EncodedDimension } from '../dimensions/dimension-encoder.js';
import type { Granularity } from '../granularity.js';
import type { SegmentSlice } from '../segment-slice.js';
import { BucketWalker } from './bucket-walker.js';
import { checkDeadline, ROWS_PER_DEADLINE_CHECK } from './deadline.js';
import { tooManyGroups, type GroupingSpec, type SegmentGroups } from './grouped-aggregation.js';
import { partialsOfGroup } from './metric-values.js';
import { selectionLength, type RowSelection } from './row-selection.js';

/** Largest key space aggregated densely: accumulators hold one slot per possible key. */
const DENSE_KEY_SPACE_MAX = 1 << 20;

export interface DensePlan {
  /** Start of each bucket index (`all`: the one start -Infinity). */
  readonly bucketStarts: readonly number[];
  /** Id count of each dimension (at least 1). */
  readonly radices: readonly number[];
  /** bucketStarts.length × product of radices. */
  readonly keySpace: number;
}

/** The dense plan, or null when it does not apply: a multi-value dimension or too large a key space. */
export function densePlan(spec: GroupingSpec, slice: SegmentSlice, dimensions: readonly EncodedDimension[], selection: RowSelection): DensePlan | null {
  const rowCount = selectionLength(selection);
  if (rowCount === 0 || dimensions.some((dimension) => dimension.offsets !== null)) return null;
  const radices = dimensions.map((dimension) => Math.max(1, dimension.values.length));
  const innerSpace = radices.reduce((product, radix) => product * radix, 1);
  const limit = Math.min(DENSE_KEY_SPACE_MAX, Math.max(1 << 16, rowCount * 4));
  if (innerSpace > limit) return null;
  const time = slice.segment.time();
  const firstMs = time[selection.kind === 'range' ? selection.startRow : selection.rows[0]!]!;
  const lastMs = time[selection.kind === 'range' ? selection.endRow - 1 : selection.rows[rowCount - 1]!]!;
  const bucketStarts = bucketStartsBetween(spec.granularity, firstMs, lastMs, Math.floor(limit / innerSpace));
  if (bucketStarts === null) return null;
  return { bucketStarts, radices, keySpace: bucketStarts.length * innerSpace };
}

/** Consecutive bucket starts covering [firstMs, lastMs], or null past maxBuckets. */
function bucketStartsBetween(granularity: Granularity, firstMs: number, lastMs: number, maxBuckets: number): number[] | null {
  if (granularity.isAll) return [Number.NEGATIVE_INFINITY];
  if (granularity.isNone) return null;
  const starts: number[] = [];
  for (let startMs = granularity.bucketStart(firstMs); startMs <= lastMs; startMs = granularity.next(startMs)) {
    if (starts.length >= maxBuckets) return null;
    starts.push(startMs);
  }
  return starts;
}

export function aggregateDense(
  spec: GroupingSpec,
  slice: SegmentSlice,
  dimensions: readonly EncodedDimension[],
  selection: RowSelection,
  plan: DensePlan,
  deadlineMs: number,
): SegmentGroups {
  const accumulators = spec.aggregations.map((aggregator) => aggregator.accumulator(slice.segment));
  const folding = foldingAccumulators(accumulators);
  // Sums over ranges of rows fold together, one pass for several (dense-sums.ts).
  const denseSums = selection.kind === 'range' ? DenseSums.of(folding, plan.keySpace) : null;
  const rangeFolding = denseSums?.others ?? folding;
  const rowCount = selectionLength(selection);
  const walker = new BucketWalker(slice.segment.time(), plan.bucketStarts);
  const keys = new Uint32Array(Math.min(rowCount, ROWS_PER_DEADLINE_CHECK));
  const scratchRows = new Uint32Array(selection.kind === 'range' && rangeFolding.some((accumulator) => accumulator.aggregateRange === undefined) ? keys.length : 0);
  const seen = new Uint8Array(plan.keySpace);
  for (let offset = 0; offset < rowCount; offset += ROWS_PER_DEADLINE_CHECK) {
    const length = Math.min(ROWS_PER_DEADLINE_CHECK, rowCount - offset);
    if (selection.kind === 'range') {
      const startRow = selection.startRow + offset;
      const oneBucket = plan.bucketStarts.length === 1;
      if (!oneBucket) walker.assignRange(startRow, length, keys);
      encodeRangeKeys(dimensions, plan.radices, startRow, length, keys, oneBucket);
      markSeen(seen, keys, length);
      denseSums?.addRange(startRow, keys, length);
      aggregateRange(rangeFolding, startRow, keys, length, plan.keySpace, scratchRows);
    } else {
      const batch = selection.rows.subarray(offset, offset + length);
      if (plan.bucketStarts.length === 1) keys.fill(0, 0, length);
      else walker.assignRows(batch, keys);
      encodeRowKeys(dimensions, plan.radices, batch, keys);
      markSeen(seen, keys, length);
      for (const accumulator of folding) accumulator.aggregate(batch, keys, length);
    }
    checkDeadline(deadlineMs);
  }
  // Every row of a folded range added to its group, so the groups the sums saw are the ones seen here.
  denseSums?.markSeen(seen);
  return denseGroups(spec, dimensions, plan, seen, accumulators);
}

function aggregateRange(accumulators: readonly GroupedAccumulator[], startRow: number, keys: Uint32Array, length: number, keySpace: number, scratchRows: Uint32Array): void {
  let rowsFilled = false;
  for (const accumulator of accumulators) {
    if (accumulator.aggregateRange !== undefined) {
      accumulator.aggregateRange(startRow, keys, length, keySpace);
      continue;
    }
    if (!rowsFilled) for (let index = 0; index < length; index++) scratchRows[index] = startRow + index;
    rowsFilled = true;
    accumulator.aggregate(scratchRows, keys, length);
  }
}

function markSeen(seen: Uint8Array, keys: Uint32Array, length: number): void {
  for (let index = 0; index < length; index++) seen[keys[index]!] = 1;
}

function denseGroups(
  spec: GroupingSpec,
  dimensions: readonly EncodedDimension[],
  plan: DensePlan,
  seen: Uint8Array,
  accumulators: readonly GroupedAccumulator[],
): SegmentGroups {
  const seenKeys: number[] = [];
  for (let key = 0; key < plan.keySpace; key++) if (seen[key] === 1) seenKeys.push(key);
  if (seenKeys.length > spec.maxGroups) throw tooManyGroups(spec.maxGroups);
  const { radices } = plan;
  const strides = stridesOf(radices);
  const innerSpace = plan.keySpace / plan.bucketStarts.length;
  return {
    groupCount: seenKeys.length,
    bucketStarts: plan.bucketStarts,
    groupBuckets: seenKeys.map((key) => Math.floor(key / innerSpace)),
    distinctValues: dimensions.every((dimension) => dimension.distinctValues),
    partials: (group) => partialsOfGroup(accumulators, seenKeys[group]!),
    value: (group, dimension) => dimensions[dimension]!.values[Math.floor(seenKeys[group]! / strides[dimension]!) % radices[dimension]!] ?? null,
  };
}

/**
 * keys[i] becomes the mixed-radix number of row startRow+i's bucket and ids. On entry keys[i] holds
 * the bucket, or nothing when there is one bucket (its number is 0, so the first dimension's ids are
 * the keys).
 */
function encodeRangeKeys(dimensions: readonly EncodedDimension[], radices: readonly number[], startRow: number, length: number, keys: Uint32Array, oneBucket: boolean): void {
  for (let dimension = 0; dimension < dimensions.length; dimension++) {
    const ids = dimensions[dimension]!.ids;
    const radix = radices[dimension]!;
    const first = dimension === 0 && oneBucket;
    if (ids === null) {
      if (first) keys.fill(0, 0, length);
      else for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix;
    } else if (first) {
      copyIds(ids, startRow, length, keys);
    } else {
      addIds(ids, radix, startRow, length, keys);
    }
  }
  if (dimensions.length === 0 && oneBucket) keys.fill(0, 0, length);
}

// One loop per id array type: a loop that sees Uint8Array, Uint16Array and Uint32Array ids turns
// megamorphic and runs ~1.5× slower than these.

function copyIds(ids: ArrayLike<number>, startRow: number, length: number, keys: Uint32Array): void {
  if (ids instanceof Uint8Array) keys.set(ids.subarray(startRow, startRow + length));
  else if (ids instanceof Uint16Array) keys.set(ids.subarray(startRow, startRow + length));
  else if (ids instanceof Uint32Array) keys.set(ids.subarray(startRow, startRow + length));
  else for (let index = 0; index < length; index++) keys[index] = ids[startRow + index]!;
}

function addIds(ids: ArrayLike<number>, radix: number, startRow: number, length: number, keys: Uint32Array): void {
  if (ids instanceof Uint8Array) addUint8Ids(ids, radix, startRow, length, keys);
  else if (ids instanceof Uint16Array) addUint16Ids(ids, radix, startRow, length, keys);
  else if (ids instanceof Uint32Array) addUint32Ids(ids, radix, startRow, length, keys);
  else for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix + ids[startRow + index]!;
}

function addUint8Ids(ids: Uint8Array, radix: number, startRow: number, length: number, keys: Uint32Array): void {
  for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix + ids[startRow + index]!;
}

function addUint16Ids(ids: Uint16Array, radix: number, startRow: number, length: number, keys: Uint32Array): void {
  for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix + ids[startRow + index]!;
}

function addUint32Ids(ids: Uint32Array, radix: number, startRow: number, length: number, keys: Uint32Array): void {
  for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix + ids[startRow + index]!;
}

/** keys[i] (the bucket of rows[i] on entry) becomes the mixed-radix number of bucket and ids. */
function encodeRowKeys(dimensions: readonly EncodedDimension[], radices: readonly number[], rows: Uint32Array, keys: Uint32Array): void {
  const length = rows.length;
  for (let dimension = 0; dimension < dimensions.length; dimension++) {
    const ids = dimensions[dimension]!.ids;
    const radix = radices[dimension]!;
    if (ids === null) for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix;
    else for (let index = 0; index < length; index++) keys[index] = keys[index]! * radix + ids[rows[index]!]!;
  }
}

function stridesOf(radices: readonly number[]): number[] {
  const strides = new Array<number>(radices.length);
  let stride = 1;
  for (let dimension = radices.length - 1; dimension >= 0; dimension--) {
    strides[dimension] = stride;
    stride *= radices[dimension]!;
  }
  return strides;
}
