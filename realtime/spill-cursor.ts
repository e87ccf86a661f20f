// Reads sorted rows back as a row stream for a merge: a persisted segment (a stream sink's pieces) or
// a batch spill's run file. Columns are read whole; this cursor only indexes into them.
import { openSegment } from '../segment-format/segment-reader.js';
import type { SortedRun } from './run-file.js';
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

  constructor(
    private readonly segment: SortedRun,
    dimensionNames: readonly string[],
    metricNames: readonly string[],
  ) {
    this.times = segment.time();
    this.dimensionReaders = dimensionNames.map((name) => columnValueReader(segment.column(name)));
    this.metricReaders = metricNames.map((name) => columnValueReader(segment.column(name)));
  }

  /** Opens a segment file; dimensions and metrics are addressed by the given (final) names. */
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
