// How filters read their operands: Druid's string forms of numbers (Java's Long/Float/Double
// toString) and Druid's strict number parsing of strings.
import type { NumericKind } from './value-predicate.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parse a decimal string as Druid's numeric comparisons do (no whitespace, hex or words); null if not a number. */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function javaScientific(value: number): string {
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const fullMantissa = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${fullMantissa}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** Java's Double.toString / Float.toString for an already-shortest decimal value. */
function javaFloatingString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return javaScientific(value);
  if (Number.isInteger(value)) return Object.is(value, -0) ? '-0.0' : `${value}.0`;
  return String(value);
}

/** Shortest decimal that reads back as the same float32 (Java's Float.toString digits). */
function shortestFloat(value: number): number {
  for (let precision = 1; precision < 10; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** The string Druid compares when a string filter (like, regex, lexicographic bound) meets a number. */
export function numberToString(value: number, kind: NumericKind): string {
  if (kind === 'long') return String(value);
  return javaFloatingString(kind === 'float' ? shortestFloat(value) : value);
}

/** A filter operand given as JSON: strings stay, numbers and booleans become strings, null stays null. */
export function operandToString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return String(value);
}

/** Equality of a column number with a parsed operand, at the column's precision (floats compare as float32). */
export function numberEquals(value: number, operand: number, kind: NumericKind): boolean {
  return kind === 'float' ? value === Math.fround(operand) : value === operand;
}
