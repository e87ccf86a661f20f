// Druid `false`: every row FALSE.
import type { Filter, FilterResult } from './filter.js';
import { allFalse } from './three-valued.js';

export class FalseFilter implements Filter {
  readonly type = 'false';

  requiredColumns(): readonly string[] {
    return [];
  }

  evaluate(): FilterResult {
    return allFalse();
  }

  matchesRow(): boolean {
    return false;
  }
}
