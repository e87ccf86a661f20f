// Per-segment encoding of a grouping dimension as small integer ids per row, so groupBy and topN key
// on integers and only turn ids into values once per group. String columns reuse their dictionary
// ids; numeric columns (and __time) get a sorted dictionary of their distinct values built here.
import type { QueryableSegment } from '../queryable-segment.js';
import type { NumericColumn } from '../../segment-format/columns.js';
import type { DimensionOutputType, DimensionSpec } from './dimension-spec.js';
import { convertDimensionValue, formatDouble, formatFloat, type DimensionValue } from './dimension-value.js';

export interface EncodedDimension {
  /** Output value per id. Distinct ids may share a value (e.g. "1" and "01" as LONG); results merge by value. */
  readonly values: readonly DimensionValue[];
  /**
   * Multi-value layout: row r's ids are ids[offsets[r] .. offsets[r+1]). Null when every row has
   * exactly one id, ids[row] (or id 0 for every row when ids is null too).
   */
  readonly offsets: Uint32Array | null;
  /** Ids by row (single-value) or flattened (multi-value); null means every row has id 0. */
  readonly ids: ArrayLike<number> | null;
  /** True when distinct ids have distinct values, so groups of distinct ids never merge by value. */
  readonly distinctValues: boolean;
}

export function encodeDimension(segment: QueryableSegment, spec: DimensionSpec): EncodedDimension {
  if (spec.dimension === '__time') return encodeNumbers(segment.time(), null, 'LONG', spec.outputType);
  const column = segment.column(spec.dimension);
  if (column === undefined || column.kind === 'hyperUnique') return { values: [null], offsets: null, ids: null, distinctValues: true };
  if (column.kind === 'string') {
    // STRING output is the dictionary itself: no per-query copy of a large dictionary.
    const values = spec.outputType === 'STRING' ? column.dictionary : column.dictionary.map((value) => convertDimensionValue(value, spec.outputType));
    return { values, offsets: column.multiValue ? column.offsets : null, ids: column.ids, distinctValues: spec.outputType === 'STRING' };
  }
  const inputType = column.kind === 'long' ? 'LONG' : column.kind === 'float' ? 'FLOAT' : 'DOUBLE';
  return encodeNumbers(column.values, column.nulls, inputType, spec.outputType);
}

/**
 * Distinct values become a sorted dictionary; id 0 is null when the column has nulls. One hash pass
 * assigns first-seen ids, then a permutation renumbers them in value order (sorting only the distinct
 * values, not the rows).
 */
function encodeNumbers(
  values: Float64Array | Float32Array,
  nulls: NumericColumn['nulls'],
  inputType: DimensionOutputType,
  outputType: DimensionOutputType,
): EncodedDimension {
  const firstSeenIds = new Map<number, number>();
  const ids = new Uint32Array(values.length);
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!;
    let id = firstSeenIds.get(value);
    if (id === undefined) {
      id = firstSeenIds.size;
      firstSeenIds.set(value, id);
    }
    ids[row] = id;
  }
  const distinct = Float64Array.from(firstSeenIds.keys());
  const order = Uint32Array.from(distinct.keys()).sort((left, right) => distinct[left]! - distinct[right]!);
  const nullOffset = nulls === null ? 0 : 1;
  const sortedIdOf = new Uint32Array(distinct.length);
  order.forEach((firstSeenId, rank) => (sortedIdOf[firstSeenId] = rank + nullOffset));
  for (let row = 0; row < ids.length; row++) ids[row] = sortedIdOf[ids[row]!]!;
  if (nulls !== null) for (const row of nulls) ids[row] = 0;
  const dictionary: DimensionValue[] = nulls === null ? [] : [null];
  for (const firstSeenId of order) dictionary.push(numberAsOutput(distinct[firstSeenId]!, inputType, outputType));
  // Distinct numbers stay distinct in their own type, and integers as strings; other conversions may collide.
  const distinctValues = outputType === inputType || (outputType === 'STRING' && inputType === 'LONG');
  return { values: dictionary, offsets: null, ids, distinctValues };
}

function numberAsOutput(value: number, inputType: DimensionOutputType, outputType: DimensionOutputType): DimensionValue {
  if (outputType !== 'STRING') return convertDimensionValue(value, outputType);
  if (inputType === 'FLOAT') return formatFloat(value);
  if (inputType === 'DOUBLE') return formatDouble(value);
  return String(value);
}
