// The output schema of a compaction: dimensions (spec's, or the union of the inputs' with the
// newest segment's order first) and metrics (spec's, reading their fieldName columns, or the inputs'
// own metrics, whose stored partials combine with the metric's fold — a count of counts is a sum).
import { SedimentError } from '../../cluster/errors.js';
import type { ColumnType } from '../../segment-format/columns.js';
import type { SegmentInfo } from '../../segment-format/segment-metadata.js';
import type { DimensionSchema, DimensionType } from '../dimensions-spec.js';
import { parseMetricsSpec, type IngestionMetric } from '../metrics-spec.js';
import type { CompactionSpec } from './compaction-spec.js';

/** What the schema needs from an input segment. */
export interface SchemaSource {
  readonly info: SegmentInfo;
  columnType(name: string): ColumnType | undefined;
}

export interface OutputMetric {
  readonly metric: IngestionMetric;
  /** Input column read per row; null means each input row counts 1 (a `count` in the spec's metricsSpec). */
  readonly sourceColumn: string | null;
}

export interface CompactionSchema {
  readonly dimensions: readonly DimensionSchema[];
  readonly metrics: readonly OutputMetric[];
  readonly rollup: boolean;
  /** Recorded in the output segments' metadata. */
  readonly queryGranularityJson: unknown;
}

/** `sources` newest first (their order decides the default dimension order). */
export function compactionSchemaOf(spec: CompactionSpec, sources: readonly SchemaSource[]): CompactionSchema {
  const metrics = spec.metrics === null ? inputMetrics(sources) : spec.metrics.map(specMetric);
  const metricNames = new Set(metrics.map((output) => output.metric.name));
  const dimensions = (spec.dimensions ?? inputDimensions(sources)).filter((dimension) => !metricNames.has(dimension.name));
  return {
    dimensions,
    metrics,
    rollup: spec.rollup ?? (sources.length > 0 && sources.every((source) => source.info.rollup)),
    queryGranularityJson: spec.queryGranularity?.json ?? commonQueryGranularity(sources),
  };
}

function specMetric(metric: IngestionMetric): OutputMetric {
  return { metric, sourceColumn: metric.fold === 'count' ? null : metric.fieldName };
}

function inputMetrics(sources: readonly SchemaSource[]): OutputMetric[] {
  const byName = new Map<string, OutputMetric>();
  for (const source of sources) {
    for (const descriptor of source.info.metrics) {
      if (byName.has(descriptor.name)) continue;
      const [metric] = parseMetricsSpec([{ ...descriptor.aggregator, name: descriptor.name }], `segment ${source.info.dataSource} metric ${descriptor.name}`);
      byName.set(descriptor.name, { metric: metric!, sourceColumn: descriptor.name });
    }
  }
  return [...byName.values()];
}

function inputDimensions(sources: readonly SchemaSource[]): DimensionSchema[] {
  const types = new Map<string, DimensionType>();
  for (const source of sources) {
    for (const name of source.info.dimensions) {
      const type = dimensionTypeOf(source.columnType(name));
      const known = types.get(name);
      // Mixed types across segments: strings hold both.
      if (known === undefined) types.set(name, type);
      else if (known !== type) types.set(name, 'string');
    }
  }
  return [...types].map(([name, type]) => ({ name, type, multiValueHandling: 'SORTED_ARRAY' }));
}

function dimensionTypeOf(type: ColumnType | undefined): DimensionType {
  switch (type) {
    case 'LONG':
      return 'long';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'COMPLEX<hyperUnique>':
      throw new SedimentError('unsupported', 'a hyperUnique column cannot be a dimension');
    default:
      return 'string';
  }
}

/** The inputs' shared query granularity; 'none' when they differ (timestamps are kept as they are). */
function commonQueryGranularity(sources: readonly SchemaSource[]): unknown {
  const first = JSON.stringify(sources[0]?.info.queryGranularity ?? 'none');
  const same = sources.every((source) => JSON.stringify(source.info.queryGranularity ?? 'none') === first);
  return same ? (JSON.parse(first) as unknown) : 'none';
}
