// Druid `regex`: the value contains a match of the pattern (Java's Matcher.find(), not a full match).
import { compileJavaRegex } from './java-regex.js';
import { numberToString } from './filter-values.js';
import { rejectExtractionFn, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { NumericKind, ValuePredicate } from './value-predicate.js';

class RegexPredicate implements ValuePredicate {
  readonly matchesNull = false;

  constructor(private readonly regex: RegExp) {}

  matchesString(value: string): boolean {
    return this.regex.test(value);
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    return this.regex.test(numberToString(value, kind));
  }
}

export class RegexFilter extends PredicateFilter {
  readonly type = 'regex';

  constructor(dimension: string, readonly pattern: string, path = 'filter.pattern') {
    super(dimension, new RegexPredicate(compileJavaRegex(pattern, path)));
  }

  static fromJson(json: JsonObject, path: string): RegexFilter {
    rejectExtractionFn(json, path);
    return new RegexFilter(requireString(json, 'dimension', path), requireString(json, 'pattern', path), `${path}.pattern`);
  }
}
