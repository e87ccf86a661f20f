// Druid `and`: TRUE when every child is TRUE, FALSE when any is FALSE, otherwise UNKNOWN. Children
// answered from indexes go first; children that scan rows go last and scan only the rows still
// possible (TRUE or UNKNOWN in every child so far), so a selective dimension filter bounds a numeric
// range scan.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import { invalidInput } from '../../cluster/errors.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { Filter, FilterResult, RowValueGetter } from './filter.js';
import { requireArray, type JsonObject } from './json-fields.js';
import { allTrue } from './three-valued.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

export type ChildParser = (json: unknown, path: string) => Filter;

export class AndFilter implements Filter {
  readonly type = 'and';

  constructor(readonly fields: readonly Filter[]) {}

  requiredColumns(): readonly string[] {
    return [...new Set(this.fields.flatMap((field) => field.requiredColumns()))];
  }

  scansRows(segment: QueryableSegment): boolean {
    return this.fields.some((field) => field.scansRows?.(segment) ?? false);
  }

  evaluate(segment: QueryableSegment, within?: RoaringBitmap32): FilterResult {
    const indexed: Filter[] = [];
    const scanning: Filter[] = [];
    for (const field of this.fields) ((field.scansRows?.(segment) ?? false) ? scanning : indexed).push(field);
    let matches: RoaringBitmap32 | null = null;
    let possible: RoaringBitmap32 | null = null; // rows TRUE or UNKNOWN in every child so far
    for (const field of [...indexed, ...scanning]) {
      const scope = possible === null ? within : within === undefined ? possible : Bitmap.and(possible, within);
      const result = field.evaluate(segment, scope);
      const fieldPossible = result.matches.clone();
      fieldPossible.orInPlace(result.unknown);
      if (matches === null || possible === null) {
        matches = result.matches;
        possible = fieldPossible;
      } else {
        matches.andInPlace(result.matches);
        possible.andInPlace(fieldPossible);
      }
      // Every row is already FALSE: the remaining children cannot change that.
      if (possible.isEmpty) break;
    }
    if (matches === null || possible === null) return allTrue(segment.rowCount); // AND of nothing
    possible.andNotInPlace(matches);
    return { matches, unknown: possible };
  }

  matchesRow(get: RowValueGetter): boolean | null {
    let sawUnknown = false;
    for (const field of this.fields) {
      const result = field.matchesRow(get);
      if (result === false) return false;
      if (result === null) sawUnknown = true;
    }
    return sawUnknown ? null : true;
  }

  static fromJson(json: JsonObject, path: string, parseChild: ChildParser): AndFilter {
    const fields = requireArray(json, 'fields', path);
    if (fields.length === 0) throw invalidInput(`${path}.fields`, 'must hold at least one filter');
    return new AndFilter(fields.map((field, index) => parseChild(field, `${path}.fields[${index}]`)));
  }
}
