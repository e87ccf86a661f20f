// Druid `not`: TRUE ↔ FALSE; UNKNOWN stays UNKNOWN (so `not(selector x)` excludes null rows).
import type { RoaringBitmap32 } from 'roaring';
import { invalidInput } from '../../cluster/errors.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { ChildParser } from './and-filter.js';
import type { Filter, FilterResult, RowValueGetter } from './filter.js';
import type { JsonObject } from './json-fields.js';
import { negate } from './three-valued.js';

export class NotFilter implements Filter {
  readonly type = 'not';

  constructor(readonly field: Filter) {}

  requiredColumns(): readonly string[] {
    return this.field.requiredColumns();
  }

  scansRows(segment: QueryableSegment): boolean {
    return this.field.scansRows?.(segment) ?? false;
  }

  evaluate(segment: QueryableSegment, within?: RoaringBitmap32): FilterResult {
    return negate(this.field.evaluate(segment, within), segment.rowCount);
  }

  matchesRow(get: RowValueGetter): boolean | null {
    const result = this.field.matchesRow(get);
    return result === null ? null : !result;
  }

  static fromJson(json: JsonObject, path: string, parseChild: ChildParser): NotFilter {
    if (json['field'] === undefined) throw invalidInput(`${path}.field`, 'is required');
    return new NotFilter(parseChild(json['field'], `${path}.field`));
  }
}
