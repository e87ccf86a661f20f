// Druid's `matchValueType` of the equals and range filters: the type operands are read as, which for
// range also picks the comparison (numeric for LONG/FLOAT/DOUBLE, lexicographic for STRING).
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { numberToString, parseDecimal } from './filter-values.js';

export type MatchValueType = 'STRING' | 'LONG' | 'FLOAT' | 'DOUBLE';

export function parseMatchValueType(json: unknown, path: string): MatchValueType {
  if (typeof json !== 'string') throw invalidInput(path, 'is required and must be a type name (STRING, LONG, FLOAT, DOUBLE)');
  const name = json.toUpperCase();
  if (name === 'STRING' || name === 'LONG' || name === 'FLOAT' || name === 'DOUBLE') return name;
  if (name.startsWith('ARRAY<') || name.startsWith('COMPLEX<')) {
    throw new SedimentError('unsupported', `${path}: match value type '${json}' is not supported`);
  }
  throw invalidInput(path, `unknown type '${json}' (expected STRING, LONG, FLOAT or DOUBLE)`);
}

/**
 * The operand in its canonical string form for the type: LONG 5.7 → "5", DOUBLE 5 → "5.0"
 * (what a string column is compared with; numeric columns parse it back).
 */
export function castOperand(value: string | number | boolean, type: MatchValueType, path: string): string {
  if (type === 'STRING') return String(value);
  const number = typeof value === 'number' ? value : typeof value === 'string' ? parseDecimal(value) : null;
  if (number === null || !Number.isFinite(number)) throw invalidInput(path, `'${String(value)}' is not a valid ${type}`);
  if (type === 'LONG') return numberToString(Math.trunc(number), 'long');
  return numberToString(type === 'FLOAT' ? Math.fround(number) : number, type === 'FLOAT' ? 'float' : 'double');
}
