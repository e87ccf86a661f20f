// Encodes LONG (integer sequence), FLOAT and DOUBLE (decimal) columns: a blocked values section and, only when
// the column has nulls, a raw portable roaring bitmap of the null rows.
import type { RoaringBitmap32 } from 'roaring';
import type { NumericColumnData } from './columns.js';
import { compressBlocks } from './block-compression.js';
import { encodeDecimal } from './decimal-codec.js';
import type { EncodedColumn } from './encoded-column.js';
import { isInt64Representable } from './int64-codec.js';
import { encodeIntegerSequenceInRange } from './integer-sequence-codec.js';
import type { ScratchMemory } from './scratch-memory.js';
import { invalidSegmentInput } from './segment-format-error.js';

export function encodeNumericColumn(name: string, column: NumericColumnData, rowCount: number, scratch?: ScratchMemory): EncodedColumn {
  if (column.values.length !== rowCount) throw invalidSegmentInput(`column ${name}: has ${column.values.length} values for ${rowCount} rows`);
  const nulls = column.nulls === null || column.nulls.isEmpty ? null : column.nulls;
  if (nulls !== null && nulls.maximum() >= rowCount) throw invalidSegmentInput(`column ${name}: null row ${nulls.maximum()} is past the last row`);
  const nullMask = nulls === null ? null : maskOf(nulls, rowCount);
  const values = column.kind === 'float' ? toFloat32(column.values) : toFloat64(column.values);
  let range: { minValue: number | null; maxValue: number | null };
  let payload: Uint8Array;
  if (column.kind === 'long') ({ payload, range } = encodeLongs(name, values as Float64Array, nullMask, scratch));
  else {
    payload = encodeDecimal(values, nullMask);
    range = valueRange(values, nullMask);
  }
  const sections: [string, Uint8Array][] = [['values', compressBlocks(payload)]];
  if (nulls !== null) {
    const compact = nulls.clone();
    compact.runOptimize();
    sections.push(['nulls', compact.serialize('portable')]);
  }
  return {
    encoding: column.kind,
    idWidthBytes: null,
    sections,
    stats: { type: column.kind === 'long' ? 'LONG' : column.kind === 'float' ? 'FLOAT' : 'DOUBLE', multiValue: false, hasNulls: nulls !== null, cardinality: null, ...range },
  };
}

/**
 * The integer sequence payload (a null row written as 0 whatever its in-memory value) and the range
 * of the non-null values, from one pass over the values (this runs on every LONG column written).
 */
function encodeLongs(name: string, values: Float64Array, nullMask: Uint8Array | null, scratch?: ScratchMemory): { payload: Uint8Array; range: { minValue: number | null; maxValue: number | null } } {
  let minimum = Infinity;
  let maximum = -Infinity;
  let integral = true;
  if (nullMask === null) {
    for (let row = 0; row < values.length; row++) {
      const value = values[row]!;
      if (!Number.isInteger(value)) integral = false;
      if (value < minimum) minimum = value;
      if (value > maximum) maximum = value;
    }
  } else {
    for (let row = 0; row < values.length; row++) {
      if (nullMask[row] === 1) continue;
      const value = values[row]!;
      if (!Number.isInteger(value)) integral = false;
      if (value < minimum) minimum = value;
      if (value > maximum) maximum = value;
    }
  }
  if (!integral || !isInt64Representable(minimum === Infinity ? 0 : minimum) || !isInt64Representable(maximum === -Infinity ? 0 : maximum)) {
    for (let row = 0; row < values.length; row++) {
      if ((nullMask === null || nullMask[row] === 0) && !isInt64Representable(values[row]!)) {
        throw invalidSegmentInput(`column ${name}: row ${row} value ${values[row]} is not an integer in int64 range`);
      }
    }
  }
  const seen = minimum <= maximum;
  const range = seen ? { minValue: minimum, maxValue: maximum } : { minValue: null, maxValue: null };
  if (nullMask === null) return { payload: encodeIntegerSequenceInRange(values, values.length, minimum, maximum, scratch), range };
  const stored = Float64Array.from(values);
  for (let row = 0; row < stored.length; row++) if (nullMask[row] === 1) stored[row] = 0;
  // Null rows are stored as 0, so 0 is within the stored range.
  const storedMinimum = seen ? Math.min(minimum, 0) : 0;
  const storedMaximum = seen ? Math.max(maximum, 0) : 0;
  return { payload: encodeIntegerSequenceInRange(stored, stored.length, storedMinimum, storedMaximum, scratch), range };
}

/** Smallest and largest non-null, non-NaN value. */
function valueRange(values: Float64Array | Float32Array, nullMask: Uint8Array | null): { minValue: number | null; maxValue: number | null } {
  let minimum = Infinity;
  let maximum = -Infinity;
  let seen = false;
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!;
    if (value !== value || (nullMask !== null && nullMask[row] !== 0)) continue;
    seen = true;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return seen ? { minValue: minimum, maxValue: maximum } : { minValue: null, maxValue: null };
}

function maskOf(nulls: RoaringBitmap32, rowCount: number): Uint8Array {
  const mask = new Uint8Array(rowCount);
  for (const row of nulls.toUint32Array()) mask[row] = 1;
  return mask;
}

function toFloat32(values: Float64Array | Float32Array): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function toFloat64(values: Float64Array | Float32Array): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}
