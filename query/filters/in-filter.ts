// Druid `in`: value ∈ values. A null in `values` makes null rows TRUE (unlike SQL IN); otherwise
// null rows are UNKNOWN. Also reads Druid's typed form {column, matchValueType, sortedValues}.
import type { Dictionary } from '../../segment-format/columns.js';
import { dictionaryIdOf, firstNonNullId } from './dictionary-search.js';
import { operandToString, parseDecimal } from './filter-values.js';
import { invalidInput } from '../../cluster/errors.js';
import { rejectExtractionFn, requireArray, type JsonObject } from './json-fields.js';
import { PredicateFilter } from './predicate-filter.js';
import type { DictionaryMatch, NumericKind, ValuePredicate } from './value-predicate.js';

class InPredicate implements ValuePredicate {
  readonly matchesNull: boolean;
  private readonly strings: Set<string>;
  private readonly numbers = new Set<number>();
  private readonly floats = new Set<number>();

  constructor(values: readonly (string | null)[]) {
    this.matchesNull = values.includes(null);
    this.strings = new Set(values.filter((value): value is string => value !== null));
    for (const value of this.strings) {
      const number = parseDecimal(value);
      if (number === null) continue;
      this.numbers.add(number);
      this.floats.add(Math.fround(number));
    }
  }

  matchesString(value: string): boolean {
    return this.strings.has(value);
  }

  matchesNumber(value: number, kind: NumericKind): boolean {
    return (kind === 'float' ? this.floats : this.numbers).has(value);
  }

  matchDictionary(dictionary: Dictionary): DictionaryMatch {
    const ids: number[] = [];
    // k binary searches beat one dictionary scan while k·log2(n) < n.
    if (this.strings.size * Math.log2(dictionary.length + 2) < dictionary.length) {
      for (const value of this.strings) {
        const id = dictionaryIdOf(dictionary, value);
        if (id >= 0) ids.push(id);
      }
      ids.sort((a, b) => a - b);
    } else {
      for (let id = firstNonNullId(dictionary); id < dictionary.length; id++) {
        if (this.strings.has(dictionary[id] as string)) ids.push(id);
      }
    }
    return { kind: 'ids', ids };
  }
}

export class InFilter extends PredicateFilter {
  readonly type = 'in';

  constructor(
    dimension: string,
    /** The values to match; null matches null rows. */
    readonly values: readonly (string | null)[],
  ) {
    super(dimension, new InPredicate(values));
  }

  static fromJson(json: JsonObject, path: string): InFilter {
    rejectExtractionFn(json, path);
    const typed = json['dimension'] === undefined && json['column'] !== undefined;
    const columnKey = typed ? 'column' : 'dimension';
    const valuesKey = typed ? 'sortedValues' : 'values';
    const column = json[columnKey];
    if (typeof column !== 'string') throw invalidInput(`${path}.${columnKey}`, column === undefined ? 'is required' : 'must be a string');
    const values = requireArray(json, valuesKey, path).map((value, index) => {
      if (value !== null && typeof value === 'object') throw invalidInput(`${path}.${valuesKey}[${index}]`, 'must be a string, number or null');
      return operandToString(value);
    });
    return new InFilter(column, values);
  }
}
