// Accumulates sorted rows into the column model and writes them as one segment file. Used for spills
// and for final segments. String dictionaries are built at the end (sorted, null first), so values are
// interned while rows stream in and remapped once.
import RoaringModule from 'roaring';
import { allocateIds, type ColumnData, type Dictionary } from '../segment-format/columns.js';
import { compareDictionaryValues } from '../segment-format/columns-from-rows.js';
import type { SegmentInfo } from '../segment-format/segment-metadata.js';
import { writeEncodedSegment, writeSegment, type PendingColumn } from '../segment-format/segment-writer.js';
import { HyperLogLog } from '../query/hyper-log-log.js';
import type { DimensionSchema } from './dimensions-spec.js';
import type { StringDimensionValue } from './dimension-values.js';
import type { MetricValue } from './metric-values.js';
import type { IngestionMetric } from './metrics-spec.js';
import type { ColumnEncoder } from './parallel-column-encoder.js';
import type { RowCursor } from './row-cursor.js';
import type { ColumnSource } from './sorted-index-rows.js';

const { RoaringBitmap32 } = RoaringModule;

interface ColumnBuilder {
  add(value: unknown): void;
  build(): ColumnData;
}

class StringColumnBuilder implements ColumnBuilder {
  private readonly idOf = new Map<string | null, number>();
  private readonly values: (string | null)[] = [];
  private ids: number[] = [];
  private offsets: number[] = [0];
  private multiValue = false;

  private intern(value: string | null): number {
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.idOf.set(value, id);
    }
    return id;
  }

  add(value: unknown): void {
    const dimension = value as StringDimensionValue;
    if (Array.isArray(dimension)) {
      this.multiValue = true;
      for (const item of dimension) this.ids.push(this.intern(item));
    } else {
      this.ids.push(this.intern(dimension as string | null));
    }
    this.offsets.push(this.ids.length);
  }

  build(): ColumnData {
    const order = this.values.map((_, id) => id).sort((left, right) => compareDictionaryValues(this.values[left]!, this.values[right]!));
    const dictionary: Dictionary = order.map((id) => this.values[id]!);
    const remap = new Uint32Array(order.length);
    order.forEach((id, sortedId) => (remap[id] = sortedId));
    const ids = allocateIds(dictionary.length, this.ids.length);
    for (let index = 0; index < this.ids.length; index++) ids[index] = remap[this.ids[index]!]!;
    if (!this.multiValue) return { kind: 'string', multiValue: false, dictionary, ids };
    return { kind: 'string', multiValue: true, dictionary, offsets: Uint32Array.from(this.offsets), ids };
  }
}

class NumericColumnBuilder implements ColumnBuilder {
  private values: number[] = [];
  private nullRows: number[] = [];

  constructor(private readonly kind: 'long' | 'float' | 'double') {}

  add(value: unknown): void {
    if (typeof value === 'number') {
      this.values.push(value);
    } else {
      this.nullRows.push(this.values.length);
      this.values.push(0);
    }
  }

  build(): ColumnData {
    const values = this.kind === 'float' ? Float32Array.from(this.values) : Float64Array.from(this.values);
    const nulls = this.nullRows.length === 0 ? null : new RoaringBitmap32(Uint32Array.from(this.nullRows));
    return { kind: this.kind, values, nulls };
  }
}

class SketchColumnBuilder implements ColumnBuilder {
  private readonly values: Uint8Array[] = [];
  private emptySketch: Uint8Array | null = null;

  add(value: unknown): void {
    if (value instanceof HyperLogLog) this.values.push(value.serialize());
    else if (value instanceof Uint8Array) this.values.push(value);
    else this.values.push((this.emptySketch ??= HyperLogLog.create().serialize()));
  }

  build(): ColumnData {
    return { kind: 'hyperUnique', values: this.values };
  }
}

function metricBuilder(metric: IngestionMetric): ColumnBuilder {
  return metric.storage === 'hyperUnique' ? new SketchColumnBuilder() : new NumericColumnBuilder(metric.storage);
}

/** Collects rows for one segment. Dimension and metric positions match the cursor's. */
export class SegmentBuilder {
  private readonly times: number[] = [];
  private readonly dimensionBuilders: ColumnBuilder[];
  private readonly metricBuilders: ColumnBuilder[];

  constructor(
    private readonly dimensions: readonly DimensionSchema[],
    private readonly metrics: readonly IngestionMetric[],
  ) {
    this.dimensionBuilders = dimensions.map((dimension) => (dimension.type === 'string' ? new StringColumnBuilder() : new NumericColumnBuilder(dimension.type)));
    this.metricBuilders = metrics.map(metricBuilder);
  }

  get rowCount(): number {
    return this.times.length;
  }

  get firstTime(): number {
    return this.times[0]!;
  }

  get lastTime(): number {
    return this.times[this.times.length - 1]!;
  }

  /** Appends the cursor's current row (with `metricValues` when given, else the cursor's own metrics). */
  add(cursor: RowCursor, metricValues?: readonly MetricValue[]): void {
    this.times.push(cursor.time());
    for (let index = 0; index < this.dimensionBuilders.length; index++) this.dimensionBuilders[index]!.add(cursor.dimension(index));
    for (let index = 0; index < this.metricBuilders.length; index++) {
      this.metricBuilders[index]!.add(metricValues === undefined ? cursor.metric(index) : metricValues[index]);
    }
  }

  /** Writes the rows as a segment; `info` supplies everything but rowCount, dimensions and metrics. */
  async write(path: string, info: SegmentInfoBase): Promise<{ info: SegmentInfo; sizeBytes: number }> {
    const columns = new Map<string, ColumnData>();
    this.dimensions.forEach((dimension, index) => columns.set(dimension.name, this.dimensionBuilders[index]!.build()));
    this.metrics.forEach((metric, index) => columns.set(metric.name, this.metricBuilders[index]!.build()));
    return writeSegmentColumns(path, info, this.dimensions, this.metrics, Float64Array.from(this.times), columns);
  }
}

/** What a segment writer's caller supplies; the rest of SegmentInfo follows from the rows and schema. */
export type SegmentInfoBase = Pick<SegmentInfo, 'dataSource' | 'interval' | 'version' | 'partition' | 'rollup' | 'queryGranularity'>;

/** Writes sorted rows already in the column model (dimensions then metrics, by name) as one segment. */
export async function writeSegmentColumns(
  path: string,
  info: SegmentInfoBase,
  dimensions: readonly DimensionSchema[],
  metrics: readonly IngestionMetric[],
  times: Float64Array,
  columns: ReadonlyMap<string, ColumnData>,
): Promise<{ info: SegmentInfo; sizeBytes: number }> {
  const fullInfo = segmentInfoOf(info, dimensions, metrics, times.length);
  const { sizeBytes } = await writeSegment(path, fullInfo, times, columns);
  return { info: fullInfo, sizeBytes };
}

/**
 * writeSegmentColumns with each column built from its source and handed to `encoder` in turn,
 * yielding between columns so the encoder's workers get the next column as soon as they are free.
 */
export async function writeSegmentSources(
  path: string,
  info: SegmentInfoBase,
  dimensions: readonly DimensionSchema[],
  metrics: readonly IngestionMetric[],
  times: Float64Array,
  sources: readonly ColumnSource[],
  encoder: ColumnEncoder,
): Promise<{ info: SegmentInfo; sizeBytes: number }> {
  const fullInfo = segmentInfoOf(info, dimensions, metrics, times.length);
  const pending: PendingColumn[] = [];
  for (const source of sources) {
    const encoded = encoder.encode(source, times.length);
    // Rejections are handled when the column is written; until then they must not count as unhandled.
    encoded.catch(() => undefined);
    pending.push({ name: source.name, encoded });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  try {
    const { sizeBytes } = await writeEncodedSegment(path, fullInfo, times, pending);
    return { info: fullInfo, sizeBytes };
  } catch (error) {
    // Every column settles before the caller may change what the sources read.
    await Promise.allSettled(pending.map((column) => column.encoded));
    throw error;
  }
}

function segmentInfoOf(info: SegmentInfoBase, dimensions: readonly DimensionSchema[], metrics: readonly IngestionMetric[], rowCount: number): SegmentInfo {
  return {
    ...info,
    rowCount,
    dimensions: dimensions.map((dimension) => dimension.name),
    metrics: metrics.map((metric) => ({ name: metric.name, aggregator: metric.json })),
  };
}
