// `none`: every millisecond is its own bucket.
import type { Granularity } from '../granularity.js';
import { formatTimestamp } from '../time-format.js';

export class NoneGranularity implements Granularity {
  readonly json = 'none';
  readonly isAll = false;
  readonly isNone = true;

  bucketStart(t: number): number {
    return t;
  }

  next(bucketStart: number): number {
    return bucketStart + 1;
  }

  format(t: number): string {
    return formatTimestamp(t);
  }
}
