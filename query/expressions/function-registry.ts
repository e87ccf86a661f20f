// All built-in functions by lower-case name.
import type { FunctionDefinition } from './function-definition.js';
import { conditionalFunctions } from './conditional-functions.js';
import { mathFunctions } from './math-functions.js';
import { patternFunctions } from './pattern-functions.js';
import { stringFunctions } from './string-functions.js';
import { timeFunctions } from './time-functions.js';

const functionsByName = new Map<string, FunctionDefinition>();
for (const definition of [...conditionalFunctions, ...mathFunctions, ...patternFunctions, ...stringFunctions, ...timeFunctions]) {
  functionsByName.set(definition.name, definition);
}

/** The function called `name` (case-insensitive, as in Druid), or undefined. */
export function lookupFunction(name: string): FunctionDefinition | undefined {
  return functionsByName.get(name.toLowerCase());
}
