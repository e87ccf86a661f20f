// Fast path of grouped aggregation for granularity `all` over single-value dimensions whose combined
// key space is small (the common topN and groupBy): the mixed-radix number of a row's dimension ids
// is its group id, so there is no group table, no bucket tracking and no per-group allocation while
// rows are folded.
import type { EncodedDimension } from '../dimensions/dimension-encoder.js';
import type { SegmentSlice } from '../segment-slice.js';
import { checkDeadline, ROWS_PER_DEADLINE_CHECK } from './deadline.js';
import { tooManyGroups, type GroupingSpec, type SegmentGroups } from './grouped-aggregation.js';
import { partialsOfGroup } from './metric-values.js';

/** Largest key space aggregated densely: accumulators hold one slot per possible key. */
const DENSE_KEY_SPACE_MAX = 1 << 20;

/** True when aggregateDense applies: granularity `all`, no multi-value dimension, a small key space. */
export function denseApplies(spec: GroupingSpec, dimensions: readonly EncodedDimension[], rowCount: number): boolean {
  if (!spec.granularity.isAll || dimensions.length === 0) return false;
  if (dimensions.some((dimension) => dimension.offsets !== null)) return false;
  const keySpace = dimensions.reduce((product, dimension) => product * Math.max(1, dimension.values.length), 1);
  return keySpace <= Math.min(DENSE_KEY_SPACE_MAX, Math.max(1 << 16, rowCount * 4));
}

export function aggregateDense(
  spec: GroupingSpec,
  slice: SegmentSlice,
  dimensions: readonly EncodedDimension[],
  rows: Uint32Array,
  deadlineMs: number,
): SegmentGroups {
  const accumulators = spec.aggregations.map((aggregator) => aggregator.accumulator(slice.segment));
  const radices = dimensions.map((dimension) => Math.max(1, dimension.values.length));
  const keySpace = radices.reduce((product, radix) => product * radix, 1);
  const keys = new Uint32Array(Math.min(rows.length, ROWS_PER_DEADLINE_CHECK));
  const seen = new Uint8Array(keySpace);
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_DEADLINE_CHECK) {
    const batch = rows.subarray(offset, offset + ROWS_PER_DEADLINE_CHECK);
    const length = batch.length;
    encodeKeys(dimensions, radices, batch, keys);
    for (let entry = 0; entry < length; entry++) seen[keys[entry]!] = 1;
    for (const accumulator of accumulators) accumulator.aggregate(batch, keys, length);
    checkDeadline(deadlineMs);
  }
  const seenKeys: number[] = [];
  for (let key = 0; key < keySpace; key++) if (seen[key] === 1) seenKeys.push(key);
  if (seenKeys.length > spec.maxGroups) throw tooManyGroups(spec.maxGroups);
  const strides = stridesOf(radices);
  return {
    groupCount: seenKeys.length,
    bucketStarts: [Number.NEGATIVE_INFINITY],
    groupBuckets: new Array<number>(seenKeys.length).fill(0),
    partials: (group) => partialsOfGroup(accumulators, seenKeys[group]!),
    value: (group, dimension) => dimensions[dimension]!.values[Math.floor(seenKeys[group]! / strides[dimension]!) % radices[dimension]!] ?? null,
  };
}

/** keys[i] = the mixed-radix number of rows[i]'s ids, first dimension most significant. */
function encodeKeys(dimensions: readonly EncodedDimension[], radices: readonly number[], rows: Uint32Array, keys: Uint32Array): void {
  const length = rows.length;
  const first = dimensions[0]!.ids;
  if (first === null) keys.fill(0, 0, length);
  else for (let entry = 0; entry < length; entry++) keys[entry] = first[rows[entry]!]!;
  for (let dimension = 1; dimension < dimensions.length; dimension++) {
    const ids = dimensions[dimension]!.ids;
    const radix = radices[dimension]!;
    if (ids === null) for (let entry = 0; entry < length; entry++) keys[entry] = keys[entry]! * radix;
    else for (let entry = 0; entry < length; entry++) keys[entry] = keys[entry]! * radix + ids[rows[entry]!]!;
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
