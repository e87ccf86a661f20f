// `all`: one bucket for the whole query.
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

export class AllGranularity implements Granularity {
  readonly json = 'all';
  readonly isAll = true;
  readonly isNone = false;

  bucketStart(): number {
    return Number.NEGATIVE_INFINITY;
  }

  next(): number {
    return Number.POSITIVE_INFINITY;
  }

  format(t: number): string {
    return formatTimestamp(t);
  }
}
