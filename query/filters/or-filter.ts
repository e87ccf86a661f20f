// Druid `or`: TRUE when any child is TRUE, FALSE when every child is FALSE, otherwise UNKNOWN.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import { invalidInput } from '../../cluster/errors.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { ChildParser } from './and-filter.js';
import type { Filter, FilterResult, RowValueGetter } from './filter.js';
import { requireArray, type JsonObject } from './json-fields.js';

const { RoaringBitmap32 } = RoaringModule;

export class OrFilter implements Filter {
  readonly type = 'or';

  constructor(readonly fields: readonly Filter[]) {}

  requiredColumns(): readonly string[] {
    return [...new Set(this.fields.flatMap((field) => field.requiredColumns()))];
  }

  scansRows(segment: QueryableSegment): boolean {
    return this.fields.some((field) => field.scansRows?.(segment) ?? false);
  }

  evaluate(segment: QueryableSegment, within?: RoaringBitmap32Type): FilterResult {
    const results = this.fields.map((field) => field.evaluate(segment, within));
    const matches = RoaringBitmap32.orMany(results.map((result) => result.matches));
    const unknown = RoaringBitmap32.orMany(results.map((result) => result.unknown));
    unknown.andNotInPlace(matches);
    return { matches, unknown };
  }

  matchesRow(get: RowValueGetter): boolean | null {
    let sawUnknown = false;
    for (const field of this.fields) {
      const result = field.matchesRow(get);
      if (result === true) return true;
      if (result === null) sawUnknown = true;
    }
    return sawUnknown ? null : false;
  }

  static fromJson(json: JsonObject, path: string, parseChild: ChildParser): OrFilter {
    const fields = requireArray(json, 'fields', path);
    if (fields.length === 0) throw invalidInput(`${path}.fields`, 'must hold at least one filter');
    return new OrFilter(fields.map((field, index) => parseChild(field, `${path}.fields[${index}]`)));
  }
}
