// The evaluator's internal value model. Druid has three scalar types, so each gets a distinct JS type
// and no value needs a wrapper object: LONG is bigint (exact 64-bit, truncating division, wrapping
// overflow, as in Java), DOUBLE is number, STRING is string. Arrays hold scalars. null is null.

export type ExprScalar = bigint | number | string | null;
export type ExprValue = ExprScalar | ExprScalar[];

const longMin = -(2n ** 63n);
const longMax = 2n ** 63n - 1n;

/** Converts a row value into the evaluator's model: integral numbers are longs (Druid's JSON parsing does the same). */
export function fromInput(value: unknown): ExprValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (Array.isArray(value)) return value.map(scalarFromInput);
  if (value instanceof Date) return BigInt(value.getTime());
  return JSON.stringify(value);
}

function scalarFromInput(value: unknown): ExprScalar {
  const converted = fromInput(value);
  return Array.isArray(converted) ? JSON.stringify(converted.map(toOutputScalar)) : converted;
}

export function toOutputScalar(value: ExprScalar): number | string | null {
  return typeof value === 'bigint' ? Number(value) : value;
}

export function toOutput(value: ExprValue): number | string | null | (number | string | null)[] {
  return Array.isArray(value) ? value.map(toOutputScalar) : toOutputScalar(value);
}

/** Long parse as Druid does it: an integer literal, else a double truncated toward zero; null if not numeric. */
export function parseLong(text: string): bigint | null {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) {
    const parsed = BigInt(trimmed);
    return parsed < longMin || parsed > longMax ? null : parsed;
  }
  const double = parseDouble(trimmed);
  return double === null || !Number.isFinite(double) ? null : BigInt(Math.trunc(double));
}

/** Double parse of a whole string (Java's Double.parseDouble accepts surrounding whitespace); null if not numeric. */
export function parseDouble(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed === 'NaN') return Number.NaN;
  if (/^[+-]?Infinity$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(trimmed)) return null;
  return Number(trimmed.replace(/[dDfF]$/, ''));
}

export function asDouble(value: ExprScalar): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return parseDouble(value);
}

export function asLong(value: ExprScalar): bigint | null {
  if (value === null) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt.asIntN(64, BigInt(Math.trunc(value))) : Number.isNaN(value) ? 0n : value > 0 ? longMax : longMin;
  return parseLong(value);
}

/** Java's Double.toString, so concat(1.0, 'x') is "1.0x" as in Druid. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

export function asString(value: ExprScalar): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return formatDouble(value);
}

/** Druid's implicit boolean: numbers are true when positive, strings when 'true' (any case). null is null. */
export function asBoolean(value: ExprValue): boolean | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length > 0 && asBoolean(value[0]!) === true;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  return value > 0;
}

export function booleanValue(value: boolean | null): bigint | null {
  return value === null ? null : value ? 1n : 0n;
}

/** Wraps a long result to 64 bits like Java's long arithmetic. */
export function wrapLong(value: bigint): bigint {
  return value >= longMin && value <= longMax ? value : BigInt.asIntN(64, value);
}

/** First non-array scalar view of a value: functions that want a scalar take an array's single element. */
export function scalarOf(value: ExprValue): ExprScalar {
  if (!Array.isArray(value)) return value;
  return value.length === 1 ? value[0]! : value.length === 0 ? null : asString(value[0]!) === null ? null : JSON.stringify(value.map(toOutputScalar));
}
