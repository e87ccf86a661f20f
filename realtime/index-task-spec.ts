// Druid's native batch task spec (`index` / `index_parallel`) parsed into one immutable object.
// Every field is validated here, with errors naming the JSON path, so ingestion never sees raw JSON.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { AggregatorFactory } from '../query/aggregators/aggregator-factory.js';
import type { Granularity } from '../query/granularity.js';
import { parseGranularity } from '../query/granularities/parse-granularity.js';
import { condenseIntervals, parseInterval } from '../query/intervals.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';
import { parseDimensionsSpec, type DimensionSchema, type DimensionsSpec } from './dimensions-spec.js';
import { parseInputFormat, type InputFormatSpec } from './input-format.js';
import { parseInputSource, type InputSourceSpec } from './input-source.js';
import { parseMetricsSpec, type IngestionMetric } from './metrics-spec.js';
import { isSpecObject, joinPath, optionalArray, optionalBoolean, optionalCount, optionalObject, requireObject, requireString, type SpecObject } from './spec-fields.js';
import { parseTimestampSpec, type TimestampSpec } from './timestamp-spec.js';
import { parseTransformSpec, type TransformSpec } from './transform-spec.js';

export const MAX_ROWS_PER_SEGMENT_DEFAULT = 5_000_000;
export const MAX_ROWS_IN_MEMORY_DEFAULT = 1_000_000;

/** A batch task: the shared dataSchema plus its input and limits. */
export interface IndexTaskSpec extends DataSchema {
  readonly type: 'index' | 'index_parallel';
  /** Add segments beside existing ones (the caller picks version and partition numbers) instead of overshadowing them. */
  readonly appendToExisting: boolean;
  readonly inputSource: InputSourceSpec;
  readonly inputFormat: InputFormatSpec;
  /** Final segments hold at most this many rows (dynamic partitioning). */
  readonly maxRowsPerSegment: number;
  /** The in-memory index spills to disk when it holds this many (rolled-up) rows. */
  readonly maxRowsInMemory: number;
  /** The task fails once more than this many rows were unparseable or partly unparseable. */
  readonly maxParseExceptions: number;
  /** How many parse-exception messages the result keeps (at least the first 10 are always kept). */
  readonly maxSavedParseExceptions: number;
  /** The original task JSON. */
  readonly json: unknown;
}

function parseType(value: unknown, path: string): 'index' | 'index_parallel' {
  if (value === undefined || value === null) return 'index_parallel';
  if (value === 'index' || value === 'index_parallel') return value;
  throw invalidInput(path, `unsupported task type '${String(value)}' (expected 'index' or 'index_parallel')`);
}

function parseDataSource(dataSchema: SpecObject, path: string): string {
  const dataSource = requireString(dataSchema, 'dataSource', path);
  if (dataSource.includes('/') || dataSource.startsWith('.') || /[\t\n\r]/.test(dataSource) || dataSource.trim() !== dataSource) {
    throw invalidInput(`${path}.dataSource`, "must not contain '/', tabs or newlines, start with '.', or have surrounding spaces");
  }
  return dataSource;
}

function parseGranularityField(object: SpecObject, key: string, path: string, fallback: string): Granularity {
  const json = object[key] ?? fallback;
  const granularity = parseGranularity(json, `${path}.${key}`);
  if (granularity.isAll) throw new SedimentError('unsupported', `${path}.${key}: granularity 'all' is not supported at ingestion`);
  return granularity;
}

interface GranularityFields {
  readonly segmentGranularity: Granularity;
  readonly queryGranularity: Granularity;
  readonly rollup: boolean;
  readonly intervals: TimeInterval[] | null;
}

function parseGranularitySpec(object: SpecObject, path: string): GranularityFields {
  const type = object['type'];
  if (type !== undefined && type !== null && type !== 'uniform') throw invalidInput(`${path}.type`, "must be 'uniform'");
  const segmentGranularity = parseGranularityField(object, 'segmentGranularity', path, 'day');
  if (segmentGranularity.isNone) throw invalidInput(`${path}.segmentGranularity`, "'none' is not a valid segment granularity");
  const queryGranularity = parseGranularityField(object, 'queryGranularity', path, 'none');
  const rollup = optionalBoolean(object, 'rollup', path, true);
  const list = optionalArray(object, 'intervals', path);
  const intervals = list.length === 0 ? null : condenseIntervals(list.map((item, index) => parseInterval(item as string, `${path}.intervals[${index}]`)));
  return { segmentGranularity, queryGranularity, rollup, intervals };
}

export interface TuningFields {
  readonly maxRowsPerSegment: number;
  readonly maxRowsInMemory: number;
  readonly maxParseExceptions: number;
  readonly maxSavedParseExceptions: number;
}

function parseTuningConfig(object: SpecObject, path: string): TuningFields {
  const partitions = optionalObject(object, 'partitionsSpec', path);
  const partitionsType = partitions['type'] ?? 'dynamic';
  if (partitionsType !== 'dynamic') {
    throw new SedimentError('unsupported', `${path}.partitionsSpec.type: '${String(partitionsType)}' partitioning is not supported (use 'dynamic')`);
  }
  const legacyMaxRows = optionalCount(object, 'maxRowsPerSegment', path, MAX_ROWS_PER_SEGMENT_DEFAULT, 1);
  return {
    maxRowsPerSegment: optionalCount(partitions, 'maxRowsPerSegment', `${path}.partitionsSpec`, legacyMaxRows, 1),
    maxRowsInMemory: optionalCount(object, 'maxRowsInMemory', path, MAX_ROWS_IN_MEMORY_DEFAULT, 1),
    maxParseExceptions: optionalCount(object, 'maxParseExceptions', path, Number.MAX_SAFE_INTEGER),
    maxSavedParseExceptions: optionalCount(object, 'maxSavedParseExceptions', path, 0),
  };
}

function checkNames(dimensions: DimensionsSpec, metrics: readonly IngestionMetric[], path: string): void {
  const dimensionNames = new Set(dimensions.dimensions.map((dimension) => dimension.name));
  metrics.forEach((metric, index) => {
    if (dimensionNames.has(metric.name)) {
      throw invalidInput(`${path}.metricsSpec[${index}].name`, `'${metric.name}' is also a dimension; column names must be unique`);
    }
  });
}

/** The parsed `dataSchema`: what batch and streaming ingestion share. */
export interface DataSchema {
  readonly dataSource: string;
  /** granularitySpec.intervals, condensed; rows outside them are thrown away. Null when not given. */
  readonly intervals: readonly TimeInterval[] | null;
  readonly segmentGranularity: Granularity;
  readonly queryGranularity: Granularity;
  readonly rollup: boolean;
  readonly timestampSpec: TimestampSpec;
  readonly dimensionsSpec: DimensionsSpec;
  /** Declared dimensions in schema order; empty when discovered from the data. */
  readonly dimensions: readonly DimensionSchema[];
  /** The metrics' query-time aggregators (each with its spec JSON in `.json`). */
  readonly metrics: readonly AggregatorFactory[];
  /** The metrics as ingestion folds them. Same order as `metrics`. */
  readonly ingestionMetrics: readonly IngestionMetric[];
  readonly transformSpec: TransformSpec;
}

/** Parses Druid's `dataSchema` object found at `schemaPath`; errors name the field. */
export function parseDataSchema(dataSchema: SpecObject, schemaPath: string): DataSchema {
  if (dataSchema['parser'] !== undefined) throw new SedimentError('unsupported', `${schemaPath}.parser: legacy parsers are not supported; use ioConfig.inputFormat`);
  const dimensionsSpec = parseDimensionsSpec(optionalObject(dataSchema, 'dimensionsSpec', schemaPath), `${schemaPath}.dimensionsSpec`);
  const ingestionMetrics = parseMetricsSpec(dataSchema['metricsSpec'], `${schemaPath}.metricsSpec`);
  checkNames(dimensionsSpec, ingestionMetrics, schemaPath);
  return {
    dataSource: parseDataSource(dataSchema, schemaPath),
    ...parseGranularitySpec(optionalObject(dataSchema, 'granularitySpec', schemaPath), `${schemaPath}.granularitySpec`),
    timestampSpec: parseTimestampSpec(optionalObject(dataSchema, 'timestampSpec', schemaPath), `${schemaPath}.timestampSpec`),
    dimensionsSpec,
    dimensions: dimensionsSpec.dimensions,
    metrics: ingestionMetrics.map((metric) => metric.factory),
    ingestionMetrics,
    transformSpec: parseTransformSpec(optionalObject(dataSchema, 'transformSpec', schemaPath), `${schemaPath}.transformSpec`),
  };
}

/** Parses a `tuningConfig`'s row limits and parse-exception budget (shared by batch and streaming). */
export function parseRowLimits(object: SpecObject, path: string): TuningFields {
  return parseTuningConfig(object, path);
}

/** Parse `{type, spec: {dataSchema, ioConfig, tuningConfig}}` or the bare `{dataSchema, ioConfig, tuningConfig}`. */
export function parseIndexTaskSpec(json: unknown): IndexTaskSpec {
  const root = requireObject(json, '');
  const wrapped = isSpecObject(root['spec']);
  const specPath = wrapped ? 'spec' : '';
  const spec = wrapped ? (root['spec'] as SpecObject) : root;
  const at = (key: string): string => joinPath(specPath, key);
  const bareIoType = !wrapped && isSpecObject(root['ioConfig']) ? root['ioConfig']['type'] : undefined;
  const type = parseType(root['type'] ?? bareIoType, 'type');
  const dataSchema = requireObject(spec['dataSchema'], at('dataSchema'));
  const ioConfig = requireObject(spec['ioConfig'], at('ioConfig'));
  const tuningConfig = optionalObject(spec, 'tuningConfig', specPath);
  if (ioConfig['firehose'] !== undefined) throw new SedimentError('unsupported', `${at('ioConfig')}.firehose: firehoses are not supported; use ioConfig.inputSource`);
  return {
    type,
    ...parseDataSchema(dataSchema, at('dataSchema')),
    appendToExisting: optionalBoolean(ioConfig, 'appendToExisting', at('ioConfig'), false),
    inputSource: parseInputSource(ioConfig['inputSource'], `${at('ioConfig')}.inputSource`),
    inputFormat: parseInputFormat(ioConfig['inputFormat'], `${at('ioConfig')}.inputFormat`),
    ...parseTuningConfig(tuningConfig, at('tuningConfig')),
    json,
  };
}
