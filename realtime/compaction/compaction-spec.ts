// Druid's `compact` task spec parsed into one immutable object. Accepts the current shape
// (`ioConfig: {type: "compact", inputSpec: {type: "interval", interval}}`) and the legacy top-level
// `interval` / `segmentGranularity`. Every field is validated here, errors naming the JSON path.
import { SedimentError, invalidInput } from '../../cluster/errors.js';
import type { Granularity } from '../../query/granularity.js';
import { parseGranularity } from '../../query/granularities/parse-granularity.js';
import { parseInterval } from '../../query/intervals.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { parseDimensionsSpec, type DimensionSchema } from '../dimensions-spec.js';
import { MAX_ROWS_PER_SEGMENT_DEFAULT } from '../index-task-spec.js';
import { parseMetricsSpec, type IngestionMetric } from '../metrics-spec.js';
import { isSpecObject, optionalCount, optionalObject, requireObject, requireString, type SpecObject } from '../spec-fields.js';

export interface CompactionSpec {
  readonly type: 'compact';
  readonly dataSource: string;
  /** Every used segment overlapping it is an input; each must lie wholly inside it. */
  readonly interval: TimeInterval;
  /** Output time chunks; null keeps the input segments' chunks. */
  readonly segmentGranularity: Granularity | null;
  /** __time truncation of the output; null keeps the inputs' timestamps. */
  readonly queryGranularity: Granularity | null;
  /** Whether rows with equal keys fold together; null: only when every input was rolled up. */
  readonly rollup: boolean | null;
  /** Output dimensions in schema order; null: the union of the inputs' dimensions. */
  readonly dimensions: readonly DimensionSchema[] | null;
  /** Output metrics, each reading its fieldName column of the inputs; null: the inputs' own metrics, combined. */
  readonly metrics: readonly IngestionMetric[] | null;
  /** Output segments hold at most this many rows (per time chunk, partitions 0..n-1). */
  readonly maxRowsPerSegment: number;
  /** The submitted JSON. */
  readonly json: unknown;
}

/** Whether the JSON is a compaction task (so the task runner dispatches it here). */
export function isCompactionTaskJson(json: unknown): boolean {
  return isSpecObject(json) && json['type'] === 'compact';
}

export function parseCompactionSpec(json: unknown): CompactionSpec {
  const root = requireObject(json, '');
  if (root['type'] !== 'compact') throw invalidInput('type', "must be 'compact'");
  const dataSource = requireString(root, 'dataSource', '');
  if (dataSource.includes('/')) throw invalidInput('dataSource', "must not contain '/'");
  const granularitySpec = optionalObject(root, 'granularitySpec', '');
  const legacySegmentGranularity = root['segmentGranularity'];
  if (root['transformSpec'] !== undefined && root['transformSpec'] !== null) {
    const transform = optionalObject(root, 'transformSpec', '');
    if (transform['filter'] !== undefined && transform['filter'] !== null) {
      throw new SedimentError('unsupported', 'transformSpec.filter: filtering rows during compaction is not supported');
    }
  }
  const dimensionsSpec = root['dimensionsSpec'];
  return {
    type: 'compact',
    dataSource,
    interval: parseInputInterval(root),
    segmentGranularity: optionalGranularity(granularitySpec['segmentGranularity'] ?? legacySegmentGranularity, 'granularitySpec.segmentGranularity'),
    queryGranularity: optionalGranularity(granularitySpec['queryGranularity'], 'granularitySpec.queryGranularity'),
    rollup: optionalRollup(granularitySpec['rollup']),
    dimensions: isSpecObject(dimensionsSpec) && Array.isArray(dimensionsSpec['dimensions']) && dimensionsSpec['dimensions'].length > 0
      ? parseDimensionsSpec(dimensionsSpec, 'dimensionsSpec').dimensions
      : null,
    metrics: Array.isArray(root['metricsSpec']) ? parseMetricsSpec(root['metricsSpec'], 'metricsSpec') : null,
    maxRowsPerSegment: parseMaxRows(optionalObject(root, 'tuningConfig', '')),
    json,
  };
}

function parseInputInterval(root: SpecObject): TimeInterval {
  const ioConfig = optionalObject(root, 'ioConfig', '');
  let text: unknown;
  let path: string;
  if (ioConfig['inputSpec'] !== undefined) {
    const inputSpec = requireObject(ioConfig['inputSpec'], 'ioConfig.inputSpec');
    if (inputSpec['type'] !== 'interval') {
      throw new SedimentError('unsupported', `ioConfig.inputSpec.type: '${String(inputSpec['type'])}' is not supported (use 'interval')`);
    }
    text = inputSpec['interval'];
    path = 'ioConfig.inputSpec.interval';
  } else {
    text = root['interval'];
    path = 'interval';
  }
  if (typeof text !== 'string') throw invalidInput(path, 'must be an ISO-8601 interval string');
  const interval = parseInterval(text, path);
  if (interval.startMs >= interval.endMs) throw invalidInput(path, 'must not be empty');
  return interval;
}

function optionalGranularity(json: unknown, path: string): Granularity | null {
  if (json === undefined || json === null) return null;
  const granularity = parseGranularity(json, path);
  if (granularity.isAll) throw new SedimentError('unsupported', `${path}: granularity 'all' is not supported for compaction`);
  return granularity;
}

function optionalRollup(value: unknown): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw invalidInput('granularitySpec.rollup', 'must be true or false');
  return value;
}

/** dynamic `maxRowsPerSegment`, or any partitionsSpec's `targetRowsPerSegment`, or the legacy tuningConfig field. */
function parseMaxRows(tuningConfig: SpecObject): number {
  const partitions = optionalObject(tuningConfig, 'partitionsSpec', 'tuningConfig');
  const legacy = optionalCount(tuningConfig, 'maxRowsPerSegment', 'tuningConfig', MAX_ROWS_PER_SEGMENT_DEFAULT, 1);
  const target = optionalCount(partitions, 'targetRowsPerSegment', 'tuningConfig.partitionsSpec', 0, 1);
  if (target > 0) return target;
  return optionalCount(partitions, 'maxRowsPerSegment', 'tuningConfig.partitionsSpec', legacy, 1);
}
