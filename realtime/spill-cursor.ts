// Reads a spilled segment back as a sorted row stream for the final merge. Columns are decoded whole
// by the segment reader; this cursor only indexes into them.
import type { Column } from '../segment-format/columns.js';
import { openSegment, type SegmentFile } from '../segment-format/segment-reader.js';
import type { DimensionValue } from './dimension-values.js';
import type { MetricValue } from './metric-values.js';
import type { RowCursor } from './row-cursor.js';

type ValueReader = (row: number) => DimensionValue | MetricValue;

function nullFlags(column: Column & { kind: 'long' | 'float' | 'double' }, rowCount: number): Uint8Array {
  const flags = new Uint8Array(rowCount);
  if (column.nulls !== null) for (const row of column.nulls.toUint32Array()) flags[row] = 1;
  return flags;
}

function readerOf(column: Column | undefined, rowCount: number): ValueReader {
  if (column === undefined) return () => null;
  switch (column.kind) {
    case 'string': {
      const { dictionary, ids } = column;
      if (!column.multiValue) return (row) => dictionary[ids[row]!]!;
      const offsets = column.offsets;
      return (row) => {
        const start = offsets[row]!;
        const end = offsets[row + 1]!;
        if (end - start === 1) return dictionary[ids[start]!]!;
        const values: (string | null)[] = [];
        for (let index = start; index < end; index++) values.push(dictionary[ids[index]!]!);
        return values;
      };
    }
    case 'hyperUnique': {
      // Serialized bytes pass through untouched unless a merge needs the sketch.
      const values = column.values;
      return (row) => values[row]!;
    }
    default: {
      const values = column.values;
      const nulls = nullFlags(column, rowCount);
      return (row) => (nulls[row] === 1 ? null : values[row]!);
    }
  }
}

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
    this.dimensionReaders = dimensionNames.map((name) => readerOf(segment.column(name), segment.rowCount));
    this.metricReaders = metricNames.map((name) => readerOf(segment.column(name), segment.rowCount));
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
