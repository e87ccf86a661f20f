// Druid `range`: lower <(=) column <(=) upper, compared numerically for LONG/FLOAT/DOUBLE
// matchValueType and lexicographically for STRING. Null rows are UNKNOWN.
import { invalidInput } from '../../cluster/errors.js';
import { ComparatorRangePredicate, type ComparisonBounds } from './comparator-range-predicate.js';
import { optionalBoolean, requireScalar, requireString, type JsonObject } from './json-fields.js';
import { castOperand, parseMatchValueType } from './match-value-type.js';
import { PredicateFilter } from './predicate-filter.js';

export class RangeFilter extends PredicateFilter {
  readonly type = 'range';

  constructor(
    column: string,
    /** Bounds (canonical strings of the match value type) and the ordering that type implies. */
    readonly bounds: ComparisonBounds,
  ) {
    super(column, new ComparatorRangePredicate(bounds));
  }

  static fromJson(json: JsonObject, path: string): RangeFilter {
    const column = requireString(json, 'column', path);
    const type = parseMatchValueType(json['matchValueType'], `${path}.matchValueType`);
    const lowerValue = requireScalar(json, 'lower', path, true);
    const upperValue = requireScalar(json, 'upper', path, true);
    if (lowerValue === null && upperValue === null) throw invalidInput(path, 'a range filter needs lower, upper or both');
    // LONG bounds are not truncated: `x >= 1.1` on longs must match 2 but not 1, as in Druid.
    const operandType = type === 'LONG' ? 'DOUBLE' : type;
    return new RangeFilter(column, {
      lower: lowerValue === null ? null : castOperand(lowerValue, operandType, `${path}.lower`),
      upper: upperValue === null ? null : castOperand(upperValue, operandType, `${path}.upper`),
      lowerOpen: optionalBoolean(json, 'lowerOpen', path, false),
      upperOpen: optionalBoolean(json, 'upperOpen', path, false),
      ordering: type === 'STRING' ? 'lexicographic' : 'numeric',
    });
  }
}
