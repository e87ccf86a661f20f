// Raw payload of the __time section: one int64 per row, the difference from the previous row's time
// (row 0: from the interval start). Sorted times make the deltas small, so zstd shrinks them well.
import { decodeInt64InPlace, writeInt64 } from './int64-codec.js';
import type { TimeInterval } from './segment-metadata.js';
import { corruptSegment, invalidSegmentInput } from './segment-format-error.js';

/** Validates __time (integral ms, non-decreasing, inside the interval) and encodes its deltas. */
export function encodeTime(time: Float64Array, interval: TimeInterval): Uint8Array {
  const words = new Uint32Array(time.length * 2);
  let previous = interval.startMs;
  for (let row = 0; row < time.length; row++) {
    const value = time[row]!;
    if (!Number.isSafeInteger(value)) throw invalidSegmentInput(`__time[${row}] = ${value} is not an integral ms timestamp`);
    if (value < previous) {
      const reason = row === 0 ? `before the interval start ${interval.startMs}` : `less than __time[${row - 1}] (rows must be sorted)`;
      throw invalidSegmentInput(`__time[${row}] = ${value} is ${reason}`);
    }
    writeInt64(words, row, value - previous);
    previous = value;
  }
  if (time.length > 0 && previous >= interval.endMs) {
    throw invalidSegmentInput(`__time[${time.length - 1}] = ${previous} is not before the interval end ${interval.endMs}`);
  }
  return new Uint8Array(words.buffer);
}

/** Turns a raw payload (decompressed into `raw`, 8 bytes per row) into times, in place. */
export function decodeTime(raw: Uint8Array, startMs: number, rowCount: number, label: string): Float64Array {
  if (raw.length !== rowCount * 8) throw corruptSegment(`${label}: holds ${raw.length / 8} rows, expected ${rowCount}`);
  const time = decodeInt64InPlace(raw.buffer, raw.byteOffset, rowCount);
  let previous = startMs;
  for (let row = 0; row < rowCount; row++) {
    previous += time[row]!;
    time[row] = previous;
  }
  return time;
}
