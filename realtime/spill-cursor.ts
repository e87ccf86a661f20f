// Reads a spilled segment back as a sorted row stream for the final merge. Columns are decoded whole
// by the segment reader; this cursor only indexes into them.
import { openSegment, type SegmentFile } from '../segment-format/segment-reader.js';
import type { DimensionValue } from './dimension-values.js';
import type { MetricValue } from './metric-values.js';
import type { RowCursor } from './row-cursor.js';
import { columnValueReader } from './column-value-reader.js';

type ValueReader = (row: number) => DimensionValue | MetricValue;

export class SpillCursor implements RowCursor {
  private row = -1;
  private readonly times: Float64Array;
  private readonly dimensionReaders: ValueReader[];
  private readonly metricReaders: ValueReader[];

  private constructor(
    private readonly segment: SegmentFile,
    dimensionNames: readonly string[],
    metricNames: readonly string[],
  ) {
    this.times = segment.time();
    this.dimensionReaders = dimensionNames.map((name) => columnValueReader(segment.column(name)));
    this.metricReaders = metricNames.map((name) => columnValueReader(segment.column(name)));
  }

  /** Opens a spill file; dimensions and metrics are addressed by the given (final) names. */
  static async open(path: string, dimensionNames: readonly string[], metricNames: readonly string[]): Promise<SpillCursor> {
    const segment = await openSegment(path);
    try {
      return new SpillCursor(segment, dimensionNames, metricNames);
    } catch (error) {
      segment.close();
      throw error;
    }
  }

  next(): boolean {
    if (this.row + 1 >= this.times.length) return false;
    this.row++;
    return true;
  }

  time(): number {
    return this.times[this.row]!;
  }

  dimension(index: number): DimensionValue {
    return this.dimensionReaders[index]!(this.row) as DimensionValue;
  }

  metric(index: number): MetricValue {
    return this.metricReaders[index]!(this.row) as MetricValue;
  }

  close(): void {
    this.segment.close();
  }
}
