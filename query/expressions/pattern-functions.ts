// LIKE and regular-expression functions. Patterns must be literals and are compiled once per call site.
import { invalidInput } from '../../cluster/errors.js';
import { lazyFunction, literalArgument, literalString, type FunctionDefinition } from './function-definition.js';
import type { ExpressionNode } from './expression-node.js';
import { asLong, asString, booleanValue, type ExprScalar, type ExprValue } from './expression-value.js';
import type { ExpressionBindings } from './expression.js';

/** SQL LIKE pattern to an anchored RegExp: % is any run, _ any one character, `escape` makes the next one literal. */
export function likePatternToRegExp(pattern: string, escape: string | null, path: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (escape !== null && char === escape) {
      const next = pattern[index + 1];
      if (next === undefined) throw invalidInput(path, `LIKE pattern '${pattern}' ends with the escape character`);
      source += escapeRegExp(next);
      index++;
    } else if (char === '%') {
      source += '[\\s\\S]*';
    } else if (char === '_') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function compileRegExp(pattern: string, path: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw invalidInput(path, `invalid regular expression '${pattern}': ${(error as Error).message}`);
  }
}

function mapFirst(args: readonly ExpressionNode[], apply: (value: ExprScalar) => ExprScalar): (get: ExpressionBindings) => ExprValue {
  return (get) => {
    const value = args[0]!.evaluate(get);
    return Array.isArray(value) ? value.map(apply) : apply(value);
  };
}

const like = lazyFunction('like', 2, 3, (args, path) => {
  const pattern = literalString(args, 1, path, 'pattern', null);
  if (pattern === null) throw invalidInput(path, 'like: the pattern must be a non-null string literal');
  const escape = literalString(args, 2, path, 'escape', null);
  if (escape !== null && escape.length !== 1) throw invalidInput(path, 'like: the escape must be a single character');
  const regExp = likePatternToRegExp(pattern, escape, path);
  return mapFirst(args, (value) => {
    const text = asString(value);
    return text === null ? null : booleanValue(regExp.test(text));
  });
});

const regexpExtract = lazyFunction('regexp_extract', 2, 3, (args, path) => {
  const pattern = literalString(args, 1, path, 'pattern', null);
  if (pattern === null) throw invalidInput(path, 'regexp_extract: the pattern must be a non-null string literal');
  const regExp = compileRegExp(pattern, path);
  const indexValue = args.length > 2 ? literalArgument(args, 2, path, 'index') : 0n;
  const group = indexValue === null ? 0 : Number(asLong(Array.isArray(indexValue) ? null : indexValue) ?? -1);
  if (group < 0) throw invalidInput(path, 'regexp_extract: the index must be a non-negative integer literal');
  return mapFirst(args, (value) => {
    const text = asString(value);
    if (text === null) return null;
    const match = regExp.exec(text);
    if (match === null) return null;
    if (group >= match.length) return null;
    return match[group] ?? null;
  });
});

const regexpLike = lazyFunction('regexp_like', 2, 2, (args, path) => {
  const pattern = literalString(args, 1, path, 'pattern', null);
  if (pattern === null) throw invalidInput(path, 'regexp_like: the pattern must be a non-null string literal');
  const regExp = compileRegExp(pattern, path);
  return mapFirst(args, (value) => {
    const text = asString(value);
    return text === null ? null : booleanValue(regExp.test(text));
  });
});

const regexpReplace = lazyFunction('regexp_replace', 3, 3, (args, path) => {
  const pattern = literalString(args, 1, path, 'pattern', null);
  if (pattern === null) throw invalidInput(path, 'regexp_replace: the pattern must be a non-null string literal');
  const regExp = compileRegExp(pattern, path, 'g');
  return (get) => {
    const replacement = asString(toScalar(args[2]!.evaluate(get)));
    const apply = (value: ExprScalar): ExprScalar => {
      const text = asString(value);
      // Java's replacement syntax uses $1 like JS; only the literal `$$` spelling differs and is rare.
      return text === null || replacement === null ? null : text.replace(regExp, replacement);
    };
    const value = args[0]!.evaluate(get);
    return Array.isArray(value) ? value.map(apply) : apply(value);
  };
});

function toScalar(value: ExprValue): ExprScalar {
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

export const patternFunctions: readonly FunctionDefinition[] = [like, regexpExtract, regexpLike, regexpReplace];
