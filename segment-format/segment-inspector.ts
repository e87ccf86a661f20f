// A summary of a segment file from its metadata block alone (no column is read): what the CLI's
// `sediment segments inspect` prints.
import type { ColumnType } from './columns.js';
import type { ColumnEncoding } from './segment-file-metadata.js';
import type { MetricDescriptor, TimeInterval } from './segment-metadata.js';
import { openSegment } from './segment-reader.js';

export interface ColumnInspection {
  readonly name: string;
  readonly type: ColumnType;
  /** On-disk layout of the column. */
  readonly encoding: ColumnEncoding;
  /** True if some row holds more than one value. */
  readonly multiValue: boolean;
  readonly hasNulls: boolean;
  /** Dictionary size for strings (null included); null for other types. */
  readonly cardinality: number | null;
  /** Smallest / largest non-null value; null if none (or not meaningful, as for hyperUnique). */
  readonly min: string | number | null;
  readonly max: string | number | null;
  /** Bytes the column's sections occupy in the file. */
  readonly sizeBytes: number;
  /** Section names with their stored sizes in bytes, in file order. */
  readonly sections: readonly { readonly name: string; readonly sizeBytes: number }[];
}

export interface SegmentInspection {
  readonly id: string;
  readonly dataSource: string;
  readonly interval: TimeInterval;
  /** The interval as ISO-8601 "start/end". */
  readonly intervalText: string;
  readonly version: string;
  readonly partition: number;
  readonly rowCount: number;
  readonly rollup: boolean;
  readonly queryGranularity: unknown;
  readonly dimensions: readonly string[];
  readonly metrics: readonly MetricDescriptor[];
  /** Size of the whole file in bytes. */
  readonly sizeBytes: number;
  /** Stored size of the __time section in bytes. */
  readonly timeSizeBytes: number;
  readonly columns: readonly ColumnInspection[];
}

export async function inspectSegment(path: string): Promise<SegmentInspection> {
  const file = await openSegment(path);
  try {
    const { info, time, columns } = file.metadata;
    return {
      id: file.id,
      dataSource: info.dataSource,
      interval: info.interval,
      intervalText: `${new Date(info.interval.startMs).toISOString()}/${new Date(info.interval.endMs).toISOString()}`,
      version: info.version,
      partition: info.partition,
      rowCount: info.rowCount,
      rollup: info.rollup,
      queryGranularity: info.queryGranularity,
      dimensions: info.dimensions,
      metrics: info.metrics,
      sizeBytes: file.sizeBytes,
      timeSizeBytes: time.length,
      columns: columns.map((column) => ({
        name: column.name,
        type: column.stats.type,
        encoding: column.encoding,
        multiValue: column.stats.multiValue,
        hasNulls: column.stats.hasNulls,
        cardinality: column.stats.cardinality,
        min: column.stats.minValue,
        max: column.stats.maxValue,
        sizeBytes: column.stats.sizeBytes,
        sections: Object.entries(column.sections).map(([name, section]) => ({ name, sizeBytes: section.length })),
      })),
    };
  } finally {
    file.close();
  }
}
