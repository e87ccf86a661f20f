// The per-segment engine shared by groupBy and topN: rows → (time bucket, dimension ids) → dense
// group ids → aggregator accumulators. Values stay dictionary ids until the caller reads the groups.
import { SedimentError } from '../../cluster/errors.js';
import { foldingAccumulators, type AggregatorFactory, type GroupedAccumulator } from '../aggregators/aggregator-factory.js';
import { DimensionIdGatherer } from '../dimensions/dimension-id-gatherer.js';
import { encodeDimension, type EncodedDimension } from '../dimensions/dimension-encoder.js';
import type { DimensionSpec } from '../dimensions/dimension-spec.js';
import type { DimensionValue } from '../dimensions/dimension-value.js';
import { GroupKeyEncoder } from '../dimensions/group-key-encoder.js';
import { groupTableFor } from '../dimensions/group-table.js';
import type { Filter } from '../filters/filter.js';
import type { Granularity } from '../granularity.js';
import type { SegmentSlice } from '../segment-slice.js';
import { BucketAssigner } from './bucket-assigner.js';
import { checkDeadline, ROWS_PER_DEADLINE_CHECK } from './deadline.js';
import { aggregateDense, densePlan } from './dense-grouped-aggregation.js';
import { partialsOfGroup } from './metric-values.js';
import { selectionRows, selectRowSelection } from './row-selection.js';

export interface GroupingSpec {
  readonly filter: Filter | null;
  readonly granularity: Granularity;
  readonly dimensions: readonly DimensionSpec[];
  readonly aggregations: readonly AggregatorFactory[];
  /** Most groups allowed in this segment; more throws resource_limit. */
  readonly maxGroups: number;
}

export interface SegmentGroups {
  readonly groupCount: number;
  /** Start of each bucket index (`all`: -Infinity). */
  readonly bucketStarts: readonly number[];
  /** Bucket index of each group. */
  readonly groupBuckets: readonly number[];
  /** True when no two groups share a bucket and values (see EncodedDimension.distinctValues). */
  readonly distinctValues: boolean;
  /** The group's aggregator partials, one per aggregation. */
  partials(group: number): unknown[];
  /** The group's value for dimension d. */
  value(group: number, dimension: number): DimensionValue;
}

export function aggregateGroups(spec: GroupingSpec, slice: SegmentSlice, deadlineMs: number): SegmentGroups {
  const { segment } = slice;
  const time = segment.time();
  const selection = selectRowSelection(slice, spec.filter);
  const encoded = spec.dimensions.map((dimension) => encodeDimension(segment, dimension));
  const plan = densePlan(spec, slice, encoded, selection);
  if (plan !== null) return aggregateDense(spec, slice, encoded, selection, plan, deadlineMs);
  const rows = selectionRows(selection);
  const gatherer = new DimensionIdGatherer(encoded);
  const keyEncoder = new GroupKeyEncoder(encoded.map((dimension) => dimension.values.length));
  const table = groupTableFor(keyEncoder.keySpace, rows.length);
  const assigner = new BucketAssigner(spec.granularity);
  const accumulators = spec.aggregations.map((aggregator) => aggregator.accumulator(segment));
  const folding = foldingAccumulators(accumulators);
  const groupBuckets: number[] = [];
  const groupIds: number[][] = encoded.map(() => []);
  const batchBuckets = new Uint32Array(Math.min(rows.length, ROWS_PER_DEADLINE_CHECK));
  let keys = new Float64Array(0);
  let groups = new Uint32Array(0);
  let currentBucket = -1;
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_DEADLINE_CHECK) {
    const batch = rows.subarray(offset, offset + ROWS_PER_DEADLINE_CHECK);
    assigner.assign(time, batch, batch.length, batchBuckets);
    gatherer.gather(batch, batchBuckets, batch.length);
    const length = gatherer.length;
    if (keys.length < length) {
      keys = new Float64Array(length);
      groups = new Uint32Array(length);
    }
    keyEncoder.encode(gatherer.ids, length, keys);
    for (let entry = 0; entry < length; entry++) {
      const bucket = gatherer.buckets[entry]!;
      if (bucket !== currentBucket) {
        table.reset();
        currentBucket = bucket;
      }
      let group = table.get(keys[entry]!);
      if (group < 0) {
        group = groupBuckets.length;
        if (group >= spec.maxGroups) throw tooManyGroups(spec.maxGroups);
        table.set(keys[entry]!, group);
        groupBuckets.push(bucket);
        for (let dimension = 0; dimension < groupIds.length; dimension++) groupIds[dimension]!.push(gatherer.ids[dimension]![entry]!);
      }
      groups[entry] = group;
    }
    for (const accumulator of folding) accumulator.aggregate(gatherer.rows, groups, length);
    checkDeadline(deadlineMs);
  }
  return segmentGroups(encoded, assigner.bucketStarts, groupBuckets, groupIds, accumulators);
}

export function tooManyGroups(maxGroups: number): SedimentError {
  return new SedimentError(
    'resource_limit',
    `Query exceeds the limit of ${maxGroups} groups (context.maxResults); narrow the query or raise the limit`,
  );
}

function segmentGroups(
  encoded: readonly EncodedDimension[],
  bucketStarts: readonly number[],
  groupBuckets: readonly number[],
  groupIds: readonly number[][],
  accumulators: readonly GroupedAccumulator[],
): SegmentGroups {
  return {
    groupCount: groupBuckets.length,
    bucketStarts,
    groupBuckets,
    distinctValues: encoded.every((dimension) => dimension.distinctValues),
    partials: (group) => partialsOfGroup(accumulators, group),
    value: (group, dimension) => encoded[dimension]!.values[groupIds[dimension]![group]!] ?? null,
  };
}
