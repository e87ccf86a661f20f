// Conversion of raw column values to a dimension spec's output type, following Druid: numbers
// reported as STRING print like Java (1.0 for a double one), non-numeric strings as numbers are null.
import type { DimensionOutputType } from './dimension-spec.js';

/** A grouping value as it appears in results. */
export type DimensionValue = string | number | null;

export function convertDimensionValue(value: string | number | null, outputType: DimensionOutputType): DimensionValue {
  if (value === null) return null;
  if (outputType === 'STRING') return typeof value === 'string' ? value : String(value);
  const number = typeof value === 'number' ? value : parseNumber(value);
  if (number === null) return null;
  if (outputType === 'LONG') return Math.trunc(number);
  if (outputType === 'FLOAT') return Math.fround(number);
  return number;
}

function parseNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}

/** A double as Java's Double.toString prints it for common magnitudes ("1.0", "2.5"). */
export function formatDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  return String(value);
}

/** The shortest decimal that reads back as the same float32, as Java's Float.toString aims for. */
export function formatFloat(value: number): string {
  for (let precision = 1; precision <= 9; precision++) {
    const text = value.toPrecision(precision);
    if (Math.fround(Number(text)) === value) return formatDouble(Number(text));
  }
  return formatDouble(value);
}
