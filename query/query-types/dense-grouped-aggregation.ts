// Fast path of grouped aggregation for one dimension and granularity `all` (the common topN): the
// dimension's id is the group id, so there is no key encoding and no group table.
import type { EncodedDimension } from '../dimensions/dimension-encoder.js';
import { DimensionIdGatherer } from '../dimensions/dimension-id-gatherer.js';
import type { SegmentSlice } from '../segment-slice.js';
import { checkDeadline, ROWS_PER_DEADLINE_CHECK } from './deadline.js';
import { tooManyGroups, type GroupingSpec, type SegmentGroups } from './grouped-aggregation.js';
import { partialsOfGroup } from './metric-values.js';

export function aggregateDense(
  spec: GroupingSpec,
  slice: SegmentSlice,
  dimension: EncodedDimension,
  rows: Uint32Array,
  deadlineMs: number,
): SegmentGroups {
  const accumulators = spec.aggregations.map((aggregator) => aggregator.accumulator(slice.segment));
  const gatherer = new DimensionIdGatherer([dimension]);
  const buckets = new Uint32Array(Math.min(rows.length, ROWS_PER_DEADLINE_CHECK));
  const seen = new Uint8Array(dimension.values.length);
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_DEADLINE_CHECK) {
    const batch = rows.subarray(offset, offset + ROWS_PER_DEADLINE_CHECK);
    gatherer.gather(batch, buckets, batch.length);
    const ids = gatherer.ids[0]!;
    const length = gatherer.length;
    for (let entry = 0; entry < length; entry++) seen[ids[entry]!] = 1;
    for (const accumulator of accumulators) accumulator.aggregate(gatherer.rows, ids, length);
    checkDeadline(deadlineMs);
  }
  const seenIds: number[] = [];
  for (let id = 0; id < seen.length; id++) if (seen[id] === 1) seenIds.push(id);
  if (seenIds.length > spec.maxGroups) throw tooManyGroups(spec.maxGroups);
  return {
    groupCount: seenIds.length,
    bucketStarts: [Number.NEGATIVE_INFINITY],
    groupBuckets: new Array<number>(seenIds.length).fill(0),
    partials: (group) => partialsOfGroup(accumulators, seenIds[group]!),
    value: (group) => dimension.values[seenIds[group]!] ?? null,
  };
}
