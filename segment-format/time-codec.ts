// Raw payload of the __time section: an integer sequence (integer-sequence-codec.ts) of each row's
// difference from the previous row's time (row 0: from the interval start). Sorted times make the
// deltas small, so they pack into few bits.
import { decodeIntegerSequence, encodeIntegerSequenceInRange } from './integer-sequence-codec.js';
import type { TimeInterval } from './segment-metadata.js';
import { invalidSegmentInput } from './segment-format-error.js';

/** Validates __time (integral ms, non-decreasing, inside the interval) and encodes its deltas. */
export function encodeTime(time: Float64Array, interval: TimeInterval): Uint8Array {
  const deltas = new Float64Array(time.length);
  let previous = interval.startMs;
  let smallest = Infinity;
  let largest = -Infinity;
  for (let row = 0; row < time.length; row++) {
    const value = time[row]!;
    if (!Number.isSafeInteger(value)) throw invalidSegmentInput(`__time[${row}] = ${value} is not an integral ms timestamp`);
    if (value < previous) {
      const reason = row === 0 ? `before the interval start ${interval.startMs}` : `less than __time[${row - 1}] (rows must be sorted)`;
      throw invalidSegmentInput(`__time[${row}] = ${value} is ${reason}`);
    }
    const delta = value - previous;
    deltas[row] = delta;
    if (delta < smallest) smallest = delta;
    if (delta > largest) largest = delta;
    previous = value;
  }
  if (time.length > 0 && previous >= interval.endMs) {
    throw invalidSegmentInput(`__time[${time.length - 1}] = ${previous} is not before the interval end ${interval.endMs}`);
  }
  return encodeIntegerSequenceInRange(deltas, deltas.length, smallest, largest);
}

/** Turns a raw payload (the decompressed integer sequence of deltas) into times. */
export function decodeTime(raw: Uint8Array, startMs: number, rowCount: number, label: string): Float64Array {
  const time = decodeIntegerSequence(raw, 0, rowCount, label);
  let previous = startMs;
  for (let row = 0; row < rowCount; row++) {
    previous += time[row]!;
    time[row] = previous;
  }
  return time;
}
