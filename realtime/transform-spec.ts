// Druid's transformSpec: expression transforms (each evaluated against the untransformed input row,
// and allowed to replace an input field or __time) and a filter evaluated on the transformed row.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { Expression } from '../query/expressions/expression.js';
import { parseExpression } from '../query/expressions/parse-expression.js';
import type { Filter } from '../query/filters/filter.js';
import { parseFilter } from '../query/filters/parse-filter.js';
import { optionalArray, requireObject, requireString, type SpecObject } from './spec-fields.js';

export interface Transform {
  /** Field the result is written to (may shadow an input field, or be "__time"). */
  readonly name: string;
  readonly expression: Expression;
}

export interface TransformSpec {
  readonly transforms: readonly Transform[];
  /** Rows for which the filter is not true are thrown away; null keeps every row. */
  readonly filter: Filter | null;
}

function parseTransform(json: unknown, path: string): Transform {
  const object = requireObject(json, path);
  const type = object['type'] ?? 'expression';
  if (type !== 'expression') throw new SedimentError('unsupported', `${path}.type: transform type '${String(type)}' is not supported (expected 'expression')`);
  const name = requireString(object, 'name', path);
  const text = requireString(object, 'expression', path);
  return { name, expression: parseExpression(text, `${path}.expression`) };
}

export function parseTransformSpec(object: SpecObject, path: string): TransformSpec {
  const transforms = optionalArray(object, 'transforms', path).map((item, index) => parseTransform(item, `${path}.transforms[${index}]`));
  const names = new Set<string>();
  transforms.forEach((transform, index) => {
    if (names.has(transform.name)) throw invalidInput(`${path}.transforms[${index}].name`, `duplicate transform '${transform.name}'`);
    names.add(transform.name);
  });
  const filterJson = object['filter'];
  const filter = filterJson === undefined || filterJson === null ? null : parseFilter(filterJson, `${path}.filter`);
  return { transforms, filter };
}
