// How to sort rows by a post-aggregator's values (topN metric, groupBy limitSpec). The PostAggregator
// seam has no comparator, so the ordering lives here: numeric with nulls first, except an arithmetic
// post-aggregator with ordering "numericFirst", which puts finite values before NaN and infinities.
import { compareNullableNumbers } from '../aggregators/numeric-value-type.js';
import { ArithmeticPostAggregator } from './arithmetic-post-aggregator.js';
import type { PostAggregator } from './post-aggregator.js';

export type ValueComparator = (left: unknown, right: unknown) => number;

export function postAggregatorComparator(postAggregator: PostAggregator): ValueComparator {
  if (postAggregator instanceof ArithmeticPostAggregator && postAggregator.ordering === 'numericFirst') {
    return compareNumericFirst;
  }
  return compareValues;
}

/** Numbers numerically (nulls first), strings by code unit order, numbers before strings. */
function compareValues(left: unknown, right: unknown): number {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === 'string') return 1;
  if (typeof right === 'string') return -1;
  return compareNullableNumbers(left, right);
}

function compareNumericFirst(left: unknown, right: unknown): number {
  const leftFinite = typeof left === 'number' && Number.isFinite(left);
  const rightFinite = typeof right === 'number' && Number.isFinite(right);
  if (leftFinite && rightFinite) return (left as number) - (right as number);
  if (leftFinite) return -1;
  if (rightFinite) return 1;
  return compareNullableNumbers(left, right);
}
