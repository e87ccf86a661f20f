// Druid `bound`: lower <(=) dimension <(=) upper under an ordering (lexicographic by default).
import { invalidInput } from '../../cluster/errors.js';
import { ComparatorRangePredicate, type ComparisonBounds } from './comparator-range-predicate.js';
import { operandToString } from './filter-values.js';
import { optionalBoolean, rejectExtractionFn, requireScalar, requireString, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { StringOrdering } from './string-comparators.js';

const ORDERINGS: readonly StringOrdering[] = ['lexicographic', 'numeric', 'alphanumeric', 'strlen', 'version'];

function parseOrdering(json: unknown, path: string): StringOrdering {
  if (json === undefined || json === null) return 'lexicographic';
  // Druid also accepts the ordering as an object: {"type": "numeric"}.
  const name = typeof json === 'object' ? (json as Record<string, unknown>)['type'] : json;
  if (typeof name === 'string' && (ORDERINGS as readonly string[]).includes(name.toLowerCase())) {
    return name.toLowerCase() as StringOrdering;
  }
  throw invalidInput(path, `unknown ordering '${String(name)}' (expected one of ${ORDERINGS.join(', ')})`);
}

export class BoundFilter extends PredicateFilter {
  readonly type = 'bound';

  constructor(
    dimension: string,
    /** Bounds and ordering; at least one bound is present. */
    readonly bounds: ComparisonBounds,
  ) {
    super(dimension, new ComparatorRangePredicate(bounds));
  }

  static fromJson(json: JsonObject, path: string): BoundFilter {
    rejectExtractionFn(json, path);
    const dimension = requireString(json, 'dimension', path);
    const lower = operandToString(requireScalar(json, 'lower', path, true));
    const upper = operandToString(requireScalar(json, 'upper', path, true));
    if (lower === null && upper === null) throw invalidInput(path, 'a bound filter needs lower, upper or both');
    const ordering = parseOrdering(json['ordering'], `${path}.ordering`);
    // Druid's legacy `alphaNumeric: true` selects alphanumeric ordering.
    const legacyAlphanumeric = json['ordering'] === undefined && json['alphaNumeric'] === true;
    return new BoundFilter(dimension, {
      lower,
      upper,
      lowerOpen: optionalBoolean(json, 'lowerStrict', path, false),
      upperOpen: optionalBoolean(json, 'upperStrict', path, false),
      ordering: legacyAlphanumeric ? 'alphanumeric' : ordering,
    });
  }
}
