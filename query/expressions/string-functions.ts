// String functions. SQL-compatible nulls: a null string argument gives null unless the function says otherwise.
import { invalidInput } from '../../cluster/errors.js';
import { literalString, scalarFunction, lazyFunction, type FunctionDefinition } from './function-definition.js';
import { asLong, asString, booleanValue, type ExprScalar } from './expression-value.js';

function stringArgs(values: ExprScalar[]): (string | null)[] {
  return values.map(asString);
}

function intArgument(value: ExprScalar): number | null {
  const long = asLong(value);
  return long === null ? null : Number(long);
}

const concat = scalarFunction('concat', 0, Infinity, (values) => {
  let result = '';
  for (const value of values) {
    const text = asString(value);
    if (text === null) return null;
    result += text;
  }
  return result;
});

const upper = scalarFunction('upper', 1, 1, ([value]) => asString(value!)?.toUpperCase() ?? null);
const lower = scalarFunction('lower', 1, 1, ([value]) => asString(value!)?.toLowerCase() ?? null);
const strlen = scalarFunction('strlen', 1, 1, ([value]) => {
  const text = asString(value!);
  return text === null ? null : BigInt(text.length);
});
const reverse = scalarFunction('reverse', 1, 1, ([value]) => {
  const text = asString(value!);
  return text === null ? null : [...text].reverse().join('');
});

/** Java's String.substring with Druid's guards: past the end gives null; a negative length means "to the end". */
const substring = scalarFunction('substring', 2, 3, (values) => {
  const text = asString(values[0]!);
  const index = intArgument(values[1]!);
  if (text === null || index === null) return null;
  const length = values.length > 2 ? intArgument(values[2]!) : -1;
  if (index < 0 || index >= text.length) return null;
  if (length === null || length < 0) return text.substring(index);
  return text.substring(index, Math.min(index + length, text.length));
});

const left = scalarFunction('left', 2, 2, (values) => {
  const text = asString(values[0]!);
  const length = intArgument(values[1]!);
  return text === null || length === null || length < 0 ? null : text.substring(0, length);
});

const right = scalarFunction('right', 2, 2, (values) => {
  const text = asString(values[0]!);
  const length = intArgument(values[1]!);
  return text === null || length === null || length < 0 ? null : text.substring(Math.max(0, text.length - length));
});

const replace = scalarFunction('replace', 3, 3, (values) => {
  const [text, pattern, replacement] = stringArgs(values);
  if (text === null || text === undefined) return null;
  if (pattern === null || pattern === undefined || pattern === '' || replacement === null || replacement === undefined) return text;
  return text.split(pattern).join(replacement);
});

const strpos = scalarFunction('strpos', 2, 3, (values) => {
  const [haystack, needle] = stringArgs(values);
  if (haystack === null || needle === null || haystack === undefined || needle === undefined) return null;
  const from = values.length > 2 ? (intArgument(values[2]!) ?? 0) : 0;
  return BigInt(haystack.indexOf(needle, from));
});

const repeat = scalarFunction('repeat', 2, 2, (values) => {
  const text = asString(values[0]!);
  const count = intArgument(values[1]!);
  if (text === null || count === null) return null;
  return count <= 0 ? '' : text.repeat(count);
});

function pad(name: 'lpad' | 'rpad'): FunctionDefinition {
  return scalarFunction(name, 3, 3, (values) => {
    const text = asString(values[0]!);
    const length = intArgument(values[1]!);
    const chars = asString(values[2]!);
    if (text === null || length === null || chars === null) return null;
    if (length <= 0) return '';
    if (length <= text.length || chars === '') return text.substring(0, Math.min(length, text.length));
    return name === 'lpad' ? text.padStart(length, chars) : text.padEnd(length, chars);
  });
}

function trimFunction(name: 'trim' | 'ltrim' | 'rtrim'): FunctionDefinition {
  return scalarFunction(name, 1, 2, (values) => {
    const text = asString(values[0]!);
    if (text === null) return null;
    const chars = values.length > 1 ? asString(values[1]!) : ' ';
    if (chars === null) return null;
    let start = 0;
    let end = text.length;
    if (name !== 'rtrim') while (start < end && chars.includes(text[start]!)) start++;
    if (name !== 'ltrim') while (end > start && chars.includes(text[end - 1]!)) end--;
    return text.substring(start, end);
  });
}

function containsFunction(name: 'contains_string' | 'icontains_string'): FunctionDefinition {
  return lazyFunction(name, 2, 2, (args, path) => {
    const rawNeedle = literalString(args, 1, path, 'search string', null);
    if (rawNeedle === null) throw invalidInput(path, `${name}: the search string must be a non-null string literal`);
    const needle = name === 'icontains_string' ? rawNeedle.toLowerCase() : rawNeedle;
    const contains = (value: ExprScalar): ExprScalar => {
      const text = asString(value);
      if (text === null) return null;
      return booleanValue((name === 'icontains_string' ? text.toLowerCase() : text).includes(needle));
    };
    return (get) => {
      const value = args[0]!.evaluate(get);
      return Array.isArray(value) ? value.map(contains) : contains(value);
    };
  });
}

export const stringFunctions: readonly FunctionDefinition[] = [
  concat,
  upper,
  lower,
  strlen,
  reverse,
  substring,
  left,
  right,
  replace,
  strpos,
  repeat,
  pad('lpad'),
  pad('rpad'),
  trimFunction('trim'),
  trimFunction('ltrim'),
  trimFunction('rtrim'),
  containsFunction('contains_string'),
  containsFunction('icontains_string'),
];
