// A query's filter evaluated once, on the main thread, for a whole segment slice: the pieces of the
// slice (on workers and on the main thread) then run with this in place of the filter, so the filter
// is neither evaluated once per piece nor needs its columns' bitmaps on every worker. The engines
// intersect a filter's TRUE rows with their piece's row ranges, so each piece reads its share.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import { SedimentError } from '../../cluster/errors.js';
import type { Filter, FilterResult } from '../filters/filter.js';
import type { Query } from '../query.js';

const { RoaringBitmap32: Bitmap } = RoaringModule;

export class SelectionFilter implements Filter {
  readonly type = 'selection';

  constructor(
    /** The TRUE rows of the replaced filter (within the slice's intervals); never mutated. */
    readonly rows: RoaringBitmap32,
  ) {}

  requiredColumns(): readonly string[] {
    return [];
  }

  evaluate(): FilterResult {
    return { matches: this.rows.clone(), unknown: new Bitmap() };
  }

  matchesRow(): boolean | null {
    // Only a query's top-level filter is replaced, and engines evaluate that one on bitmaps.
    throw new SedimentError('internal', 'assertion failed: a precomputed row selection was matched against a single row');
  }
}

/** Query types whose top-level filter only selects the rows their engine reads. */
const selectable: ReadonlySet<Query['queryType']> = new Set(['timeseries', 'groupBy', 'topN', 'search']);

/** The query's filter when a precomputed selection can stand for it, else null. */
export function selectableFilterOf(query: Query): Filter | null {
  return selectable.has(query.queryType) && 'filter' in query ? query.filter : null;
}

/** The query with its filter replaced by the given TRUE rows. */
export function withSelection(query: Query, rows: RoaringBitmap32): Query {
  if (selectableFilterOf(query) === null) throw new SedimentError('internal', `assertion failed: a ${query.queryType} query without a filter given a row selection`);
  return Object.freeze({ ...query, filter: new SelectionFilter(rows) }) as Query;
}
