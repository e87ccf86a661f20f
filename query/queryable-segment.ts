// What the query engine reads: an immutable set of rows sorted by __time, with typed columns.
// Implemented by the segment-file reader (historical) and by the realtime incremental index.
import type { Column, ColumnType } from '../segment-format/columns.js';
import type { SegmentInfo } from '../segment-format/segment-metadata.js';

export interface QueryableSegment {
  /** Druid segment id. Stable for the life of the segment. */
  readonly id: string;
  readonly info: SegmentInfo;
  /** Number of rows; row ids are 0 .. rowCount-1. */
  readonly rowCount: number;
  /** __time per row in ms since the epoch, ascending (non-decreasing). Loaded lazily, then cached. */
  time(): Float64Array;
  /** Column names other than __time: dimensions in schema order, then metrics. */
  columnNames(): readonly string[];
  /** The column's type without loading it; undefined if the segment has no such column. */
  columnType(name: string): ColumnType | undefined;
  /** True if the string column holds more than one value in some row. */
  isMultiValue(name: string): boolean;
  /**
   * The column, loaded and cached on first use; undefined if the segment has no such column
   * (queries then treat every row as null, as Druid does).
   */
  column(name: string): Column | undefined;
}
