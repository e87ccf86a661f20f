// The raw payload of a FLOAT or DOUBLE `values` section, little-endian:
//   u32 exponent = 0xFFFFFFFF (plain)    then count × f64 (double) or f32 (float)
//   u32 exponent e in 0..15 (decimal)    then an integer sequence (integer-sequence-codec.ts) of k,
//                                        where value = k / 10^e (for float: rounded to float32)
// Values typed by people or rounded by programs have few decimals, so most columns scale to integers
// exactly and then pack into few bits (the idea behind DuckDB's ALP), instead of 64 noisy bits.
import { decodeIntegerSequence, encodeIntegerSequence } from './integer-sequence-codec.js';
import { corruptSegment } from './segment-format-error.js';

const PLAIN = 0xffffffff;
const EXPONENT_MAX = 15;
const POWERS_OF_TEN = Array.from({ length: EXPONENT_MAX + 1 }, (_, exponent) => 10 ** exponent);
const SAFE_LIMIT = 2 ** 53;

/**
 * Encodes values[0..count); rows flagged in nullMask (1 = null) are stored as 0. Falls back to plain
 * when some non-null value has no exact decimal form with at most 15 digits after the point.
 */
export function encodeDecimal(values: Float64Array | Float32Array, nullMask: Uint8Array | null): Uint8Array {
  const isFloat = values instanceof Float32Array;
  const exponent = decimalExponent(values, nullMask, isFloat);
  if (exponent === null) return encodePlainFloats(values);
  const power = POWERS_OF_TEN[exponent]!;
  const scaled = new Float64Array(values.length);
  for (let row = 0; row < values.length; row++) {
    if (nullMask !== null && nullMask[row] === 1) continue;
    // A value checked at a smaller exponent may not survive a larger one: verify at the final one.
    if (!representable(values[row]!, power, isFloat)) return encodePlainFloats(values);
    scaled[row] = Math.round(values[row]! * power);
  }
  const sequence = encodeIntegerSequence(scaled, scaled.length);
  const bytes = new Uint8Array(4 + sequence.length);
  new DataView(bytes.buffer).setUint32(0, exponent, true);
  bytes.set(sequence, 4);
  return bytes;
}

/** The smallest exponent that represents every non-null value exactly, or null if there is none. */
function decimalExponent(values: Float64Array | Float32Array, nullMask: Uint8Array | null, isFloat: boolean): number | null {
  let exponent = 0;
  let power = 1;
  for (let row = 0; row < values.length; row++) {
    if (nullMask !== null && nullMask[row] === 1) continue;
    const value = values[row]!;
    if (Object.is(value, -0)) return null;
    while (!representable(value, power, isFloat)) {
      if (exponent === EXPONENT_MAX) return null;
      power = POWERS_OF_TEN[++exponent]!;
    }
  }
  return exponent;
}

function representable(value: number, power: number, isFloat: boolean): boolean {
  const scaled = Math.round(value * power);
  if (!(Math.abs(scaled) < SAFE_LIMIT)) return false;
  const decoded = scaled / power;
  return isFloat ? Math.fround(decoded) === value : decoded === value;
}

function encodePlainFloats(values: Float64Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(4 + values.byteLength);
  new DataView(bytes.buffer).setUint32(0, PLAIN, true);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 4);
  return bytes;
}

/** Decodes a values payload of `count` rows into a new shared Float64Array or Float32Array. */
export function decodeDecimal(raw: Uint8Array, count: number, kind: 'float' | 'double', label: string): Float64Array | Float32Array {
  if (raw.length < 4) throw corruptSegment(`${label}: too short for its exponent`);
  const exponent = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, true);
  const width = kind === 'float' ? 4 : 8;
  if (exponent === PLAIN) {
    if (raw.length !== 4 + count * width) throw corruptSegment(`${label}: holds ${raw.length - 4} bytes, expected ${count * width}`);
    const values = kind === 'float' ? new Float32Array(new SharedArrayBuffer(4 * count)) : new Float64Array(new SharedArrayBuffer(8 * count));
    new Uint8Array(values.buffer).set(raw.subarray(4));
    return values;
  }
  if (exponent > EXPONENT_MAX) throw corruptSegment(`${label}: decimal exponent ${exponent} is over ${EXPONENT_MAX}`);
  const scaled = decodeIntegerSequence(raw, 4, count, label);
  const power = POWERS_OF_TEN[exponent]!;
  if (kind === 'double') {
    for (let row = 0; row < count; row++) scaled[row] = scaled[row]! / power;
    return scaled;
  }
  const values = new Float32Array(new SharedArrayBuffer(4 * count));
  for (let row = 0; row < count; row++) values[row] = scaled[row]! / power;
  return values;
}
