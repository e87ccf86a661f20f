// The metadata block of a segment file: everything a reader needs to interpret the sections,
// plus the facts a coordinator or segmentMetadata query reports without opening any column.
import type { ColumnType } from './columns.js';

/** Half-open time interval [startMs, endMs) in ms since the epoch, UTC. */
export interface TimeInterval {
  readonly startMs: number;
  readonly endMs: number;
}

/** A metric's ingestion-time aggregator, kept so compaction and segmentMetadata can report it. */
export interface MetricDescriptor {
  readonly name: string;
  /** The Druid aggregator JSON used at ingestion (e.g. {"type":"longSum","name":"added","fieldName":"added"}). */
  readonly aggregator: Readonly<Record<string, unknown>>;
}

/** Identity and shape of a segment, independent of where its bytes live. */
export interface SegmentInfo {
  readonly dataSource: string;
  readonly interval: TimeInterval;
  /** Druid-style version: an ISO-8601 timestamp string; later versions overshadow earlier ones. */
  readonly version: string;
  readonly partition: number;
  readonly rowCount: number;
  readonly rollup: boolean;
  /** The queryGranularity JSON the rows' __time values were truncated with. */
  readonly queryGranularity: unknown;
  /** Dimension names in schema (sort) order. */
  readonly dimensions: readonly string[];
  readonly metrics: readonly MetricDescriptor[];
}

/** Per-column statistics recorded by the writer. */
export interface ColumnStats {
  readonly type: ColumnType;
  readonly multiValue: boolean;
  readonly hasNulls: boolean;
  /** Dictionary size for strings; null for other types. */
  readonly cardinality: number | null;
  /** Smallest / largest non-null value (strings: dictionary order; numbers: numeric); null if none. */
  readonly minValue: string | number | null;
  readonly maxValue: string | number | null;
  /** Bytes this column occupies in the file, all sections included. */
  readonly sizeBytes: number;
}

/** Druid's segment id form: {dataSource}_{start}_{end}_{version}[_{partition}]. */
export function segmentIdOf(info: Pick<SegmentInfo, 'dataSource' | 'interval' | 'version' | 'partition'>): string {
  const start = new Date(info.interval.startMs).toISOString();
  const end = new Date(info.interval.endMs).toISOString();
  const base = `${info.dataSource}_${start}_${end}_${info.version}`;
  return info.partition === 0 ? base : `${base}_${info.partition}`;
}
