// The one slice an outer query reads when its dataSource is a query: the subquery's table as a
// segment, visible through the outer query's own intervals.
import type { Query } from '../query.js';
import type { SegmentSlice } from '../segment-slice.js';
import { SubquerySegment } from './subquery-segment.js';
import type { SubqueryTable } from './subquery-table.js';

export function subquerySlice(outer: Query, table: SubqueryTable): SegmentSlice {
  const segment = new SubquerySegment(`${outer.dataSource}_subquery`, table);
  return { segment, intervals: outer.intervals };
}
