// Druid `equals`: column = matchValue, typed by matchValueType. Never matches null (null rows are UNKNOWN).
import { EqualityPredicate } from './equality-predicate.js';
import { requireScalar, requireString, type JsonObject } from './json-fields.js';
import { castOperand, parseMatchValueType } from './match-value-type.js';
import { PredicateFilter } from './predicate-filter.js';

export class EqualsFilter extends PredicateFilter {
  readonly type = 'equals';

  constructor(
    column: string,
    /** The match value in its canonical string form for its matchValueType. */
    readonly matchValue: string,
  ) {
    super(column, new EqualityPredicate(matchValue));
  }

  static fromJson(json: JsonObject, path: string): EqualsFilter {
    const column = requireString(json, 'column', path);
    const type = parseMatchValueType(json['matchValueType'], `${path}.matchValueType`);
    const value = requireScalar(json, 'matchValue', path, false)!;
    return new EqualsFilter(column, castOperand(value, type, `${path}.matchValue`));
  }
}
