// Druid `like`: SQL LIKE with % (any run) and _ (one character), an optional escape character.
// The literal prefix before the first wildcard narrows the dictionary to one binary-searched id range.
import { invalidInput } from '../../cluster/errors.js';
import type { Dictionary } from '../../segment-format/columns.js';
import { searchDictionary } from './dictionary-search.js';
import { numberToString } from './filter-values.js';
import { optionalString, rejectExtractionFn, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { DictionaryMatch, NumericKind, ValuePredicate } from './value-predicate.js';

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

interface CompiledLike {
  /** Anchored regular expression equivalent to the whole pattern. */
  readonly regex: RegExp;
  /** Literal text every match starts with. */
  readonly prefix: string;
  /** True when the pattern is `prefix%` (every value with the prefix matches). */
  readonly prefixOnly: boolean;
}

function compileLike(pattern: string, escape: string | null): CompiledLike {
  let source = '';
  let prefix = '';
  let literalSoFar = true;
  let prefixOnly = false;
  const characters = [...pattern];
  for (let index = 0; index < characters.length; index++) {
    let character = characters[index]!;
    const escaped = escape !== null && character === escape && index + 1 < characters.length;
    if (escaped) character = characters[++index]!;
    if (!escaped && (character === '%' || character === '_')) {
      prefixOnly = literalSoFar && character === '%' && index === characters.length - 1;
      literalSoFar = false;
      source += character === '%' ? '.*' : '.';
      continue;
    }
    if (literalSoFar) prefix += character;
    source += character.replace(REGEX_SYNTAX, '\\$&');
  }
  return { regex: new RegExp(`^${source}$`, 'su'), prefix, prefixOnly };
}

class LikePredicate implements ValuePredicate {
  readonly matchesNull = false;

  constructor(private readonly like: CompiledLike) {}

  matchesString(value: string): boolean {
    return this.like.regex.test(value);
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    return this.like.regex.test(numberToString(value, kind));
  }

  matchDictionary(dictionary: Dictionary): DictionaryMatch {
    const { prefix, prefixOnly, regex } = this.like;
    const startId = searchDictionary(dictionary, prefix, false);
    let endId = startId;
    while (endId < dictionary.length && (dictionary[endId] as string).startsWith(prefix)) endId++;
    if (prefixOnly) return { kind: 'range', startId, endId };
    const ids: number[] = [];
    for (let id = startId; id < endId; id++) if (regex.test(dictionary[id] as string)) ids.push(id);
    return { kind: 'ids', ids };
  }
}

export class LikeFilter extends PredicateFilter {
  readonly type = 'like';

  constructor(dimension: string, readonly pattern: string, readonly escape: string | null) {
    super(dimension, new LikePredicate(compileLike(pattern, escape)));
  }

  static fromJson(json: JsonObject, path: string): LikeFilter {
    rejectExtractionFn(json, path);
    const dimension = requireString(json, 'dimension', path);
    const pattern = requireString(json, 'pattern', path);
    const escape = optionalString(json, 'escape', path);
    if (escape !== null && [...escape].length !== 1) throw invalidInput(`${path}.escape`, 'must be a single character');
    return new LikeFilter(dimension, pattern, escape);
  }
}
