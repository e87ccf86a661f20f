// Math functions, typed as in Druid: abs/round/min/max/div keep longs; the rest compute in doubles.
import { scalarFunction, type FunctionDefinition } from './function-definition.js';
import { asDouble, asLong, asString, parseLong, wrapLong, type ExprScalar } from './expression-value.js';

function isLongLike(value: ExprScalar): value is bigint {
  return typeof value === 'bigint';
}

/** A double-valued function of one argument. */
function univariate(name: string, apply: (value: number) => number): FunctionDefinition {
  return scalarFunction(name, 1, 1, ([value]) => {
    const double = asDouble(value!);
    return double === null ? null : apply(double);
  });
}

/** A double-valued function of two arguments; null if either is null. */
function bivariate(name: string, apply: (left: number, right: number) => number): FunctionDefinition {
  return scalarFunction(name, 2, 2, ([left, right]) => {
    const leftDouble = asDouble(left!);
    const rightDouble = asDouble(right!);
    return leftDouble === null || rightDouble === null ? null : apply(leftDouble, rightDouble);
  });
}

const abs = scalarFunction('abs', 1, 1, ([value]) => {
  if (isLongLike(value!)) return value < 0n ? wrapLong(-value) : value;
  const double = asDouble(value!);
  return double === null ? null : Math.abs(double);
});

/** Java BigDecimal HALF_UP rounding of a double's shortest decimal form at `scale` places. */
export function roundHalfUp(value: number, scale: number): number {
  if (Number.isNaN(value)) return 0;
  if (!Number.isFinite(value)) return value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  if (value === 0) return value;
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const keep = exponent + 1 + scale;
  if (keep >= digits.length) return value;
  if (keep < 0) return 0 * Math.sign(value);
  let prefix = keep === 0 ? 0n : BigInt(digits.slice(0, keep));
  if (digits[keep]! >= '5') prefix += 1n;
  const magnitude = Number(`${prefix}e${exponent + 1 - keep}`);
  return value < 0 ? -magnitude : magnitude;
}

function roundLong(value: bigint, scale: number): bigint {
  if (scale >= 0) return value;
  const factor = 10n ** BigInt(-scale);
  let quotient = value / factor;
  const remainder = value % factor;
  if ((remainder < 0n ? -remainder : remainder) * 2n >= factor) quotient += value < 0n ? -1n : 1n;
  return wrapLong(quotient * factor);
}

const round = scalarFunction('round', 1, 2, (values) => {
  const value = values[0]!;
  const scaleLong = values.length > 1 ? asLong(values[1]!) : 0n;
  if (value === null || scaleLong === null) return null;
  const scale = Number(scaleLong);
  if (isLongLike(value)) return roundLong(value, scale);
  const double = asDouble(value);
  return double === null ? null : roundHalfUp(double, scale);
});

function extreme(name: 'max' | 'min'): FunctionDefinition {
  return scalarFunction(name, 2, 2, ([left, right]) => {
    if (left === null || right === null) return null;
    if (isLongLike(left!) && isLongLike(right!)) return (name === 'max' ? left > right : left < right) ? left : right;
    const leftDouble = asDouble(left!);
    const rightDouble = asDouble(right!);
    if (leftDouble === null || rightDouble === null) return null;
    return name === 'max' ? Math.max(leftDouble, rightDouble) : Math.min(leftDouble, rightDouble);
  });
}

/** greatest/least: nulls ignored; strings if any argument is a string, longs if all are longs, else doubles. */
function reduction(name: 'greatest' | 'least'): FunctionDefinition {
  const better = (candidate: number, current: number): boolean => (name === 'greatest' ? candidate > current : candidate < current);
  return scalarFunction(name, 0, Infinity, (values) => {
    const present = values.filter((value) => value !== null);
    if (present.length === 0) return null;
    if (present.some((value) => typeof value === 'string')) {
      const strings = present.map((value) => asString(value)!);
      return strings.reduce((best, value) => ((name === 'greatest' ? value > best : value < best) ? value : best));
    }
    if (present.every(isLongLike)) {
      return (present as bigint[]).reduce((best, value) => ((name === 'greatest' ? value > best : value < best) ? value : best));
    }
    return present.map((value) => asDouble(value)!).reduce((best, value) => (better(value, best) ? value : best));
  });
}

const div = scalarFunction('div', 2, 2, ([left, right]) => {
  const leftLong = asLong(left!);
  const rightLong = asLong(right!);
  if (leftLong === null || rightLong === null || rightLong === 0n) return null;
  return wrapLong(leftLong / rightLong);
});

const safeDivide = scalarFunction('safe_divide', 2, 2, ([left, right]) => {
  if (left === null || right === null) return null;
  if (isLongLike(left!) && isLongLike(right!)) return right === 0n ? null : wrapLong(left / right);
  const leftDouble = asDouble(left!);
  const rightDouble = asDouble(right!);
  return leftDouble === null || rightDouble === null || rightDouble === 0 ? null : leftDouble / rightDouble;
});

const parseLongFunction = scalarFunction('parse_long', 1, 2, (values) => {
  const text = asString(values[0]!);
  const radix = values.length > 1 ? Number(asLong(values[1]!) ?? 10n) : 10;
  if (text === null) return null;
  if (radix === 10) return /^[+-]?\d+$/.test(text.trim()) ? parseLong(text) : null;
  const parsed = Number.parseInt(text, radix);
  return Number.isNaN(parsed) || !/^[+-]?[0-9a-zA-Z]+$/.test(text) ? null : BigInt(parsed);
});

const signum = univariate('signum', (value) => Math.sign(value));

export const mathFunctions: readonly FunctionDefinition[] = [
  abs,
  round,
  extreme('max'),
  extreme('min'),
  reduction('greatest'),
  reduction('least'),
  div,
  safeDivide,
  parseLongFunction,
  signum,
  univariate('floor', Math.floor),
  univariate('ceil', Math.ceil),
  univariate('rint', (value) => {
    const floor = Math.floor(value);
    const fraction = value - floor;
    return fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  }),
  univariate('sqrt', Math.sqrt),
  univariate('cbrt', Math.cbrt),
  univariate('exp', Math.exp),
  univariate('expm1', Math.expm1),
  univariate('log', Math.log),
  univariate('log10', Math.log10),
  univariate('log1p', Math.log1p),
  univariate('sin', Math.sin),
  univariate('cos', Math.cos),
  univariate('tan', Math.tan),
  univariate('asin', Math.asin),
  univariate('acos', Math.acos),
  univariate('atan', Math.atan),
  univariate('sinh', Math.sinh),
  univariate('cosh', Math.cosh),
  univariate('tanh', Math.tanh),
  univariate('cot', (value) => 1 / Math.tan(value)),
  univariate('todegrees', (value) => (value * 180) / Math.PI),
  univariate('toradians', (value) => (value / 180) * Math.PI),
  bivariate('pow', Math.pow),
  bivariate('atan2', Math.atan2),
  bivariate('hypot', Math.hypot),
  bivariate('copysign', (magnitude, sign) => Math.abs(magnitude) * (sign < 0 || Object.is(sign, -0) ? -1 : 1)),
];
