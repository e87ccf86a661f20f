// Druid `selector`: dimension = value, or dimension IS NULL when value is null/absent.
import { IsNullPredicate, EqualityPredicate } from './equality-predicate.js';
import { operandToString } from './filter-values.js';
import { rejectExtractionFn, requireScalar, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';

export class SelectorFilter extends PredicateFilter {
  readonly type = 'selector';

  constructor(
    dimension: string,
    /** The value to match; null matches null rows. */
    readonly value: string | null,
  ) {
    super(dimension, value === null ? new IsNullPredicate() : new EqualityPredicate(value));
  }

  static fromJson(json: JsonObject, path: string): SelectorFilter {
    rejectExtractionFn(json, path);
    const dimension = requireString(json, 'dimension', path);
    return new SelectorFilter(dimension, operandToString(requireScalar(json, 'value', path, true)));
  }
}
