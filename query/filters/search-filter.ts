// Druid `search`: substring matching by a search query spec — contains (caseSensitive, default
// false), insensitive_contains, fragment (every value must occur) and regex.
import { invalidInput } from '../../cluster/errors.js';
import { compileJavaRegex } from './java-regex.js';
import { numberToString } from './filter-values.js';
import { optionalBoolean, rejectExtractionFn, requireArray, requireObject, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { NumericKind, ValuePredicate } from './value-predicate.js';

type StringTest = (value: string) => boolean;

class SearchPredicate implements ValuePredicate {
  readonly matchesNull = false;

  constructor(private readonly test: StringTest) {}

  matchesString(value: string): boolean {
    return this.test(value);
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    return this.test(numberToString(value, kind));
  }
}

function containsAll(fragments: readonly string[], caseSensitive: boolean): StringTest {
  if (caseSensitive) return (value) => fragments.every((fragment) => value.includes(fragment));
  const lowered = fragments.map((fragment) => fragment.toLowerCase());
  return (value) => {
    const text = value.toLowerCase();
    return lowered.every((fragment) => text.includes(fragment));
  };
}

/** The string test of a search query spec ({type: contains | insensitive_contains | fragment | regex}). */
export function parseSearchQuerySpec(json: unknown, path: string): StringTest {
  const spec = requireObject(json, path);
  const type = requireString(spec, 'type', path);
  switch (type) {
    case 'contains':
      return containsAll([requireString(spec, 'value', path)], optionalBoolean(spec, 'caseSensitive', path, false));
    case 'insensitive_contains':
      return containsAll([requireString(spec, 'value', path)], false);
    case 'fragment': {
      const values = requireArray(spec, 'values', path).map((value, index) => {
        if (typeof value !== 'string') throw invalidInput(`${path}.values[${index}]`, 'must be a string');
        return value;
      });
      return containsAll(values, optionalBoolean(spec, 'caseSensitive', path, false));
    }
    case 'regex': {
      const regex = compileJavaRegex(requireString(spec, 'pattern', path), `${path}.pattern`);
      return (value) => regex.test(value);
    }
    default:
      throw invalidInput(`${path}.type`, `unknown search query type '${type}' (expected contains, insensitive_contains, fragment or regex)`);
  }
}

export class SearchFilter extends PredicateFilter {
  readonly type = 'search';

  constructor(dimension: string, test: StringTest) {
    super(dimension, new SearchPredicate(test));
  }

  static fromJson(json: JsonObject, path: string): SearchFilter {
    rejectExtractionFn(json, path);
    const dimension = requireString(json, 'dimension', path);
    return new SearchFilter(dimension, parseSearchQuerySpec(json['query'], `${path}.query`));
  }
}
