// The three numeric flavours of Druid aggregators (long*, double*, float*) and how each converts
// its inputs and reports its results.

export type NumericValueType = 'long' | 'double' | 'float';

/** The input value as the aggregator's type reads it: longs truncate, floats round to float32. */
export function convertToType(type: NumericValueType, value: number): number {
  // `+ 0` turns -0 (from truncating -0.5) into 0: longs have no negative zero.
  if (type === 'long') return Math.trunc(value) + 0;
  if (type === 'float') return Math.fround(value);
  return value;
}

/**
 * A float32 result as the shortest decimal that rounds to the same float32, so 0.1f reports as 0.1
 * (as Druid's JSON does) rather than 0.10000000149011612.
 */
export function shortestFloat32(value: number): number {
  const single = Math.fround(value);
  if (!Number.isFinite(single)) return single;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

/** The reported value of a numeric partial of the given type; null stays null. */
export function finalizeNumber(type: NumericValueType, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = value as number;
  return type === 'float' ? shortestFloat32(number) : number;
}

/** Numeric order with nulls first and NaN last (Java's Double.compare order for the rest). */
export function compareNullableNumbers(left: unknown, right: unknown): number {
  const leftNull = left === null || left === undefined;
  const rightNull = right === null || right === undefined;
  if (leftNull || rightNull) return leftNull === rightNull ? 0 : leftNull ? -1 : 1;
  const a = left as number;
  const b = right as number;
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
}
