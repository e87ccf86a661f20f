// Druid `null`: column IS NULL (TRUE on null rows, FALSE elsewhere; never UNKNOWN).
import { IsNullPredicate } from './equality-predicate.js';
import { requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';

export class NullFilter extends PredicateFilter {
  readonly type = 'null';

  constructor(column: string) {
    super(column, new IsNullPredicate());
  }

  static fromJson(json: JsonObject, path: string): NullFilter {
    return new NullFilter(requireString(json, 'column', path));
  }
}
