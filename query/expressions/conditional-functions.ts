// Conditionals, null tests and cast. Conditionals evaluate only the branches they need.
import { invalidInput } from '../../cluster/errors.js';
import { lazyFunction, literalString, scalarFunction, type FunctionDefinition } from './function-definition.js';
import { applyBinary } from './operator-nodes.js';
import { asBoolean, asDouble, asLong, asString, booleanValue, type ExprScalar, type ExprValue } from './expression-value.js';

const ifFunction = lazyFunction('if', 3, 3, (args) => (get) => (asBoolean(args[0]!.evaluate(get)) === true ? args[1]!.evaluate(get) : args[2]!.evaluate(get)));

const nvl = lazyFunction('nvl', 2, 2, (args) => (get) => {
  const value = args[0]!.evaluate(get);
  return value === null ? args[1]!.evaluate(get) : value;
});

const coalesce = lazyFunction('coalesce', 1, Infinity, (args) => (get) => {
  for (const arg of args) {
    const value = arg.evaluate(get);
    if (value !== null) return value;
  }
  return null;
});

/** case_searched(cond1, result1, ..., [else]): the first true condition's result. */
const caseSearched = lazyFunction('case_searched', 2, Infinity, (args) => (get) => {
  let index = 0;
  for (; index + 1 < args.length; index += 2) {
    if (asBoolean(args[index]!.evaluate(get)) === true) return args[index + 1]!.evaluate(get);
  }
  return index < args.length ? args[index]!.evaluate(get) : null;
});

/** case_simple(expr, value1, result1, ..., [else]): equality as `==` (a null never matches). */
const caseSimple = lazyFunction('case_simple', 3, Infinity, (args) => (get) => {
  const subject = scalar(args[0]!.evaluate(get));
  let index = 1;
  for (; index + 1 < args.length; index += 2) {
    if (applyBinary('==', subject, scalar(args[index]!.evaluate(get))) === 1n) return args[index + 1]!.evaluate(get);
  }
  return index < args.length ? args[index]!.evaluate(get) : null;
});

function scalar(value: ExprValue): ExprScalar {
  return Array.isArray(value) ? (value.length === 1 ? value[0]! : null) : value;
}

const isnull = lazyFunction('isnull', 1, 1, (args) => (get) => booleanValue(args[0]!.evaluate(get) === null));
const notnull = lazyFunction('notnull', 1, 1, (args) => (get) => booleanValue(args[0]!.evaluate(get) !== null));

type CastTarget = 'LONG' | 'DOUBLE' | 'STRING';

function castScalar(value: ExprScalar, target: CastTarget): ExprScalar {
  if (target === 'LONG') return asLong(value);
  if (target === 'DOUBLE') return asDouble(value);
  return asString(value);
}

/** cast(expr, 'LONG' | 'DOUBLE' | 'FLOAT' | 'STRING' | 'ARRAY<…>'): values that do not convert become null. */
const cast = lazyFunction('cast', 2, 2, (args, path) => {
  const typeName = literalString(args, 1, path, 'type', null)?.toUpperCase().replace(/\s+/g, '');
  const arrayMatch = /^ARRAY<(LONG|DOUBLE|FLOAT|STRING)>$/.exec(typeName ?? '');
  const scalarName = arrayMatch ? arrayMatch[1]! : typeName;
  if (scalarName !== 'LONG' && scalarName !== 'DOUBLE' && scalarName !== 'FLOAT' && scalarName !== 'STRING') {
    throw invalidInput(path, `cast: unsupported type '${typeName ?? 'null'}' (expected LONG, DOUBLE, STRING or ARRAY<…> of those)`);
  }
  const target: CastTarget = scalarName === 'FLOAT' ? 'DOUBLE' : scalarName;
  const toArray = arrayMatch !== null;
  return (get) => {
    const value = args[0]!.evaluate(get);
    if (value === null) return null;
    if (toArray) return (Array.isArray(value) ? value : [value]).map((element) => castScalar(element, target));
    if (Array.isArray(value)) return value.length === 1 ? castScalar(value[0]!, target) : value.map((element) => castScalar(element, target));
    return castScalar(value, target);
  };
});

const pi = scalarFunction('pi', 0, 0, () => Math.PI);

export const conditionalFunctions: readonly FunctionDefinition[] = [ifFunction, nvl, coalesce, caseSearched, caseSimple, isnull, notnull, cast, pi];
