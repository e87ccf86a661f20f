// Unary, binary and logical operators with Druid's typing (SQL-compatible null handling, strict booleans):
// any null operand gives null; two strings concatenate (+) or compare as strings; two longs stay longs;
// anything else is computed in doubles (a string operand is parsed; non-numeric gives null).
// A multi-value (array) operand is mapped element by element, as Druid does for multi-value strings.
import type { ExpressionBindings } from './expression.js';
import type { ExpressionNode } from './expression-node.js';
import { asBoolean, asDouble, booleanValue, wrapLong, type ExprScalar, type ExprValue } from './expression-value.js';

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=';

export class BinaryNode implements ExpressionNode {
  constructor(
    readonly operator: BinaryOperator,
    readonly left: ExpressionNode,
    readonly right: ExpressionNode,
  ) {}

  evaluate(get: ExpressionBindings): ExprValue {
    const left = this.left.evaluate(get);
    const right = this.right.evaluate(get);
    if (Array.isArray(left)) return left.map((element) => applyBinary(this.operator, element, Array.isArray(right) ? (right[0] ?? null) : right));
    if (Array.isArray(right)) return right.map((element) => applyBinary(this.operator, left, element));
    return applyBinary(this.operator, left, right);
  }

  collectColumns(into: string[]): void {
    this.left.collectColumns(into);
    this.right.collectColumns(into);
  }

  toString(): string {
    return `(${this.left} ${this.operator} ${this.right})`;
  }
}

/** Applies a binary operator to two scalars with Druid's type rules. Exported for functions that reuse equality. */
export function applyBinary(operator: BinaryOperator, left: ExprScalar, right: ExprScalar): ExprScalar {
  if (left === null || right === null) return null;
  if (typeof left === 'string' && typeof right === 'string') {
    if (operator === '+') return left + right;
    if (isComparison(operator)) return compareResult(operator, left < right ? -1 : left > right ? 1 : 0);
  }
  if (typeof left === 'bigint' && typeof right === 'bigint') return applyLong(operator, left, right);
  const leftDouble = asDouble(left);
  const rightDouble = asDouble(right);
  if (leftDouble === null || rightDouble === null) return null;
  return applyDouble(operator, leftDouble, rightDouble);
}

function isComparison(operator: BinaryOperator): boolean {
  return operator === '<' || operator === '<=' || operator === '>' || operator === '>=' || operator === '==' || operator === '!=';
}

function compareResult(operator: BinaryOperator, order: number): bigint {
  switch (operator) {
    case '<':
      return order < 0 ? 1n : 0n;
    case '<=':
      return order <= 0 ? 1n : 0n;
    case '>':
      return order > 0 ? 1n : 0n;
    case '>=':
      return order >= 0 ? 1n : 0n;
    case '==':
      return order === 0 ? 1n : 0n;
    default:
      return order !== 0 ? 1n : 0n;
  }
}

function applyLong(operator: BinaryOperator, left: bigint, right: bigint): ExprScalar {
  switch (operator) {
    case '+':
      return wrapLong(left + right);
    case '-':
      return wrapLong(left - right);
    case '*':
      return wrapLong(left * right);
    case '/':
      return right === 0n ? null : wrapLong(left / right);
    case '%':
      return right === 0n ? null : left % right;
    case '^':
      return right < 0n ? Math.pow(Number(left), Number(right)) : longPower(left, right);
    default:
      return compareResult(operator, left < right ? -1 : left > right ? 1 : 0);
  }
}

function longPower(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let factor = base;
  let remaining = exponent;
  while (remaining > 0n) {
    if (remaining & 1n) result = BigInt.asIntN(64, result * factor);
    factor = BigInt.asIntN(64, factor * factor);
    remaining >>= 1n;
  }
  return result;
}

function applyDouble(operator: BinaryOperator, left: number, right: number): ExprScalar {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
    case '^':
      return Math.pow(left, right);
    default:
      return compareResult(operator, left < right ? -1 : left > right ? 1 : left === right ? 0 : Number.NaN);
  }
}

export class NegateNode implements ExpressionNode {
  constructor(readonly operand: ExpressionNode) {}

  evaluate(get: ExpressionBindings): ExprValue {
    const value = this.operand.evaluate(get);
    return Array.isArray(value) ? value.map(negate) : negate(value);
  }

  collectColumns(into: string[]): void {
    this.operand.collectColumns(into);
  }

  toString(): string {
    return `-${this.operand}`;
  }
}

function negate(value: ExprScalar): ExprScalar {
  if (value === null) return null;
  if (typeof value === 'bigint') return wrapLong(-value);
  const double = asDouble(value);
  return double === null ? null : -double;
}

export class NotNode implements ExpressionNode {
  constructor(readonly operand: ExpressionNode) {}

  evaluate(get: ExpressionBindings): ExprValue {
    const truth = asBoolean(this.operand.evaluate(get));
    return truth === null ? null : truth ? 0n : 1n;
  }

  collectColumns(into: string[]): void {
    this.operand.collectColumns(into);
  }

  toString(): string {
    return `!${this.operand}`;
  }
}

/** `&&` and `||` in SQL three-valued logic; the right side is evaluated only when it can change the result. */
export class LogicalNode implements ExpressionNode {
  constructor(
    readonly operator: '&&' | '||',
    readonly left: ExpressionNode,
    readonly right: ExpressionNode,
  ) {}

  evaluate(get: ExpressionBindings): ExprValue {
    const left = asBoolean(this.left.evaluate(get));
    const decisive = this.operator === '||';
    if (left === decisive) return booleanValue(decisive);
    const right = asBoolean(this.right.evaluate(get));
    if (right === decisive) return booleanValue(decisive);
    return left === null || right === null ? null : booleanValue(!decisive);
  }

  collectColumns(into: string[]): void {
    this.left.collectColumns(into);
    this.right.collectColumns(into);
  }

  toString(): string {
    return `(${this.left} ${this.operator} ${this.right})`;
  }
}
