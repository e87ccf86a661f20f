// Druid `true`: every row TRUE.
import type { QueryableSegment } from '../queryable-segment.js';
import type { Filter, FilterResult } from './filter.js';
import { allTrue } from './three-valued.js';

export class TrueFilter implements Filter {
  readonly type = 'true';

  requiredColumns(): readonly string[] {
    return [];
  }

  evaluate(segment: QueryableSegment): FilterResult {
    return allTrue(segment.rowCount);
  }

  matchesRow(): boolean {
    return true;
  }
}
