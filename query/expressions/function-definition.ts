// The shape of a built-in function and helpers to write one. A function binds once per call site
// (checking arity and compiling literal arguments such as patterns, periods and time zones) and
// returns a closure evaluated per row.
import { invalidInput } from '../../cluster/errors.js';
import type { ExpressionBindings } from './expression.js';
import { LiteralNode, type ExpressionNode } from './expression-node.js';
import { asString, type ExprScalar, type ExprValue } from './expression-value.js';

export type BoundFunction = (get: ExpressionBindings) => ExprValue;

export interface FunctionDefinition {
  /** Lower-case function name as written in expressions. */
  readonly name: string;
  /** Inclusive bounds on the number of arguments. */
  readonly minArguments: number;
  readonly maxArguments: number;
  /** Compile a call site; throws invalidInput (naming `path`) on bad literal arguments. */
  bind(args: readonly ExpressionNode[], path: string): BoundFunction;
}

/**
 * A function of scalars, evaluated on all arguments. When the first argument is an array (a multi-value
 * string) the function is applied to each element, as Druid does implicitly for multi-value inputs.
 */
export function scalarFunction(
  name: string,
  minArguments: number,
  maxArguments: number,
  apply: (values: ExprScalar[]) => ExprScalar,
): FunctionDefinition {
  return {
    name,
    minArguments,
    maxArguments,
    bind(args) {
      const values: ExprScalar[] = new Array<ExprScalar>(args.length);
      return (get) => {
        let mapped: ExprScalar[] | null = null;
        for (let index = 0; index < args.length; index++) {
          const value = args[index]!.evaluate(get);
          if (Array.isArray(value)) {
            if (index === 0) mapped = value;
            values[index] = value.length === 1 ? value[0]! : value.length === 0 ? null : (asString(value[0]!) ?? null);
          } else {
            values[index] = value;
          }
        }
        if (mapped === null) return apply(values);
        return mapped.map((element) => {
          const elementValues = values.slice();
          elementValues[0] = element;
          return apply(elementValues);
        });
      };
    },
  };
}

/** A function that sees unevaluated arguments (conditionals evaluate only the branch they need). */
export function lazyFunction(
  name: string,
  minArguments: number,
  maxArguments: number,
  bind: (args: readonly ExpressionNode[], path: string) => BoundFunction,
): FunctionDefinition {
  return { name, minArguments, maxArguments, bind };
}

/** The value of an argument that must be a literal (pattern, period, unit, time zone). */
export function literalArgument(args: readonly ExpressionNode[], index: number, path: string, what: string): ExprValue {
  const node = args[index];
  if (!(node instanceof LiteralNode)) throw invalidInput(path, `argument ${index + 1} (${what}) must be a literal`);
  return node.value;
}

/** A literal string argument; `fallback` when the argument is absent. */
export function literalString(args: readonly ExpressionNode[], index: number, path: string, what: string, fallback: string | null): string | null {
  if (index >= args.length) return fallback;
  const value = literalArgument(args, index, path, what);
  if (value === null) return fallback;
  if (typeof value !== 'string') throw invalidInput(path, `argument ${index + 1} (${what}) must be a string literal`);
  return value;
}
