// arithmetic: applies fn left to right over the fields' values. Druid's rules: "/" returns 0 when
// dividing by zero, "quotient" is plain floating-point division; any null input gives null
// (SQL-compatible null handling).
import type { PostAggregator } from './post-aggregator.js';
import { numericValueOf } from './numeric-value-of.js';

export type ArithmeticFunction = '+' | '-' | '*' | '/' | 'quotient' | 'pow';
/** Druid's `ordering`: null (natural numeric order) or "numericFirst" (finite values before NaN/±Infinity). */
export type ArithmeticOrdering = 'natural' | 'numericFirst';

export const arithmeticFunctions: readonly ArithmeticFunction[] = ['+', '-', '*', '/', 'quotient', 'pow'];

export class ArithmeticPostAggregator implements PostAggregator {
  readonly type = 'arithmetic';

  constructor(
    readonly name: string,
    readonly fn: ArithmeticFunction,
    readonly fields: readonly PostAggregator[],
    readonly ordering: ArithmeticOrdering,
  ) {}

  dependentFields(): readonly string[] {
    return [...new Set(this.fields.flatMap((field) => field.dependentFields()))];
  }

  compute(row: Readonly<Record<string, unknown>>, finalize: (name: string, value: unknown) => unknown): number | null {
    let result: number | null = null;
    for (let index = 0; index < this.fields.length; index++) {
      const value = numericValueOf(this.fields[index]!.compute(row, finalize));
      if (value === null) return null;
      result = index === 0 ? value : apply(this.fn, result!, value);
    }
    return result;
  }
}

function apply(fn: ArithmeticFunction, left: number, right: number): number {
  switch (fn) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? 0 : left / right;
    case 'quotient':
      return left / right;
    case 'pow':
      return Math.pow(left, right);
  }
}
