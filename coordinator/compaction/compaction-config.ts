// Druid's auto-compaction configuration: one DataSourceCompactionConfig per datasource inside the
// cluster-wide CoordinatorCompactionConfig, stored as the "coordinator.compaction" config (audited).
import { SedimentError, invalidInput } from '../../cluster/errors.js';
import type { Granularity } from '../../query/granularity.js';
import { parseGranularity } from '../../query/granularities/parse-granularity.js';
import { parsePeriod } from '../../query/intervals.js';

export const compactionConfigName = 'coordinator.compaction';
const defaultMaxRowsPerSegment = 5_000_000;
const defaultInputSegmentSizeBytes = 100_000_000_000_000;

export interface DataSourceCompactionConfig {
  readonly dataSource: string;
  /** Chunks ending within this period of the datasource's latest data are left alone (late data still arrives). */
  readonly skipOffsetFromLatestMs: number;
  readonly skipOffsetFromLatest: string;
  readonly maxRowsPerSegment: number;
  /** Chunks holding more input bytes than this are skipped. */
  readonly inputSegmentSizeBytes: number;
  readonly segmentGranularity: Granularity | null;
  readonly queryGranularity: Granularity | null;
  readonly rollup: boolean | null;
  /** Output dimension names; null keeps the inputs'. */
  readonly dimensions: readonly string[] | null;
  /** The submitted JSON, as Druid's GET returns it. */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Druid's CoordinatorCompactionConfig. */
export interface CompactionConfigDocument {
  readonly compactionConfigs: readonly Record<string, unknown>[];
  readonly compactionTaskSlotRatio: number;
  readonly maxCompactionTaskSlots: number;
}

export const emptyCompactionConfig: CompactionConfigDocument = { compactionConfigs: [], compactionTaskSlotRatio: 0.1, maxCompactionTaskSlots: 2_147_483_647 };

export function parseDataSourceCompactionConfig(json: unknown): DataSourceCompactionConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput('', 'must be a DataSourceCompactionConfig JSON object');
  const object = json as Record<string, unknown>;
  const dataSource = object['dataSource'];
  if (typeof dataSource !== 'string' || dataSource === '') throw invalidInput('dataSource', 'must be a non-empty string');
  const skip = object['skipOffsetFromLatest'] ?? 'P1D';
  const period = typeof skip === 'string' ? parsePeriod(skip) : null;
  if (period === null) throw invalidInput('skipOffsetFromLatest', 'must be an ISO-8601 period such as P1D or PT0S');
  const granularitySpec = objectField(object, 'granularitySpec');
  const tuning = objectField(object, 'tuningConfig');
  const partitions = objectField(tuning, 'partitionsSpec', 'tuningConfig.');
  const dimensionsSpec = objectField(object, 'dimensionsSpec');
  return {
    dataSource,
    skipOffsetFromLatestMs: period.as('milliseconds'),
    skipOffsetFromLatest: skip as string,
    maxRowsPerSegment: positiveInteger(partitions['targetRowsPerSegment'] ?? partitions['maxRowsPerSegment'] ?? object['maxRowsPerSegment'], 'tuningConfig.partitionsSpec.maxRowsPerSegment', defaultMaxRowsPerSegment),
    inputSegmentSizeBytes: positiveInteger(object['inputSegmentSizeBytes'], 'inputSegmentSizeBytes', defaultInputSegmentSizeBytes),
    segmentGranularity: optionalGranularity(granularitySpec['segmentGranularity'], 'granularitySpec.segmentGranularity'),
    queryGranularity: optionalGranularity(granularitySpec['queryGranularity'], 'granularitySpec.queryGranularity'),
    rollup: typeof granularitySpec['rollup'] === 'boolean' ? granularitySpec['rollup'] : null,
    dimensions: dimensionNames(dimensionsSpec['dimensions']),
    json: object,
  };
}

/** The Druid `compact` task that applies `config` to one interval. */
export function compactionTaskJson(config: DataSourceCompactionConfig, interval: string): Record<string, unknown> {
  const json = config.json;
  const granularitySpec = {
    ...(config.segmentGranularity === null ? {} : { segmentGranularity: config.segmentGranularity.json }),
    ...(config.queryGranularity === null ? {} : { queryGranularity: config.queryGranularity.json }),
    ...(config.rollup === null ? {} : { rollup: config.rollup }),
  };
  return {
    type: 'compact',
    dataSource: config.dataSource,
    ioConfig: { type: 'compact', inputSpec: { type: 'interval', interval } },
    granularitySpec,
    ...(json['dimensionsSpec'] === undefined ? {} : { dimensionsSpec: json['dimensionsSpec'] }),
    ...(json['metricsSpec'] === undefined ? {} : { metricsSpec: json['metricsSpec'] }),
    tuningConfig: { type: 'index_parallel', partitionsSpec: { type: 'dynamic', maxRowsPerSegment: config.maxRowsPerSegment } },
    context: { ...(objectField(json, 'taskContext') as object), compactionSource: 'auto' },
  };
}

/** The stored document, or Druid's defaults when none was stored. */
export function compactionConfigDocumentOf(stored: unknown): CompactionConfigDocument {
  if (typeof stored !== 'object' || stored === null) return emptyCompactionConfig;
  return { ...emptyCompactionConfig, ...(stored as Partial<CompactionConfigDocument>) };
}

function objectField(object: Record<string, unknown>, key: string, prefix = ''): Record<string, unknown> {
  const value = object[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(`${prefix}${key}`, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, path: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidInput(path, 'must be a positive integer');
  return value;
}

function optionalGranularity(json: unknown, path: string): Granularity | null {
  if (json === undefined || json === null) return null;
  const granularity = parseGranularity(json, path);
  if (granularity.isAll) throw new SedimentError('unsupported', `${path}: 'all' is not supported for compaction`);
  return granularity;
}

function dimensionNames(json: unknown): string[] | null {
  if (!Array.isArray(json) || json.length === 0) return null;
  return json.map((item, index) => {
    const name = typeof item === 'string' ? item : typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || name === '') throw invalidInput(`dimensionsSpec.dimensions[${index}]`, 'must be a name or {name, type}');
    return name;
  });
}
