// Druid's metricsSpec at ingestion. Each aggregator JSON is validated by the query layer's
// parseAggregator; folding rows together during rollup uses the simple per-type combine below.
import { invalidInput, SedimentError } from '../cluster/errors.js';
import type { AggregatorFactory } from '../query/aggregators/aggregator-factory.js';
import { parseAggregator } from '../query/aggregators/parse-aggregator.js';
import { isSpecObject } from './spec-fields.js';

export type MetricFold = 'count' | 'sum' | 'min' | 'max' | 'hyperUnique';
export type MetricStorage = 'long' | 'float' | 'double' | 'hyperUnique';

export interface IngestionMetric {
  /** Output column name. */
  readonly name: string;
  /** How two values of the metric combine under rollup. */
  readonly fold: MetricFold;
  /** Column type the metric is stored as. */
  readonly storage: MetricStorage;
  /** Input field read per row; null for count. */
  readonly fieldName: string | null;
  /** The aggregator JSON from the spec, recorded in segment metadata. */
  readonly json: Readonly<Record<string, unknown>>;
  /** The parsed query-time aggregator (for callers that need it; ingestion does not). */
  readonly factory: AggregatorFactory;
}

const numericTypes = /^(long|double|float)(Sum|Min|Max)$/;

function ingestionShape(type: string, json: Readonly<Record<string, unknown>>, path: string): Pick<IngestionMetric, 'fold' | 'storage'> {
  if (type === 'count') return { fold: 'count', storage: 'long' };
  if (type === 'hyperUnique') {
    if (json['isInputHyperUnique'] === true) {
      throw new SedimentError('unsupported', `${path}.isInputHyperUnique: pre-built sketches as input are not supported`);
    }
    return { fold: 'hyperUnique', storage: 'hyperUnique' };
  }
  const numeric = numericTypes.exec(type);
  if (numeric === null) throw new SedimentError('unsupported', `${path}.type: aggregator '${type}' is not supported at ingestion`);
  const fold = numeric[2] === 'Sum' ? 'sum' : numeric[2] === 'Min' ? 'min' : 'max';
  return { fold, storage: numeric[1] as 'long' | 'double' | 'float' };
}

function parseMetric(json: unknown, path: string): IngestionMetric {
  const factory = parseAggregator(json, path);
  const object = isSpecObject(json) ? json : {};
  const shape = ingestionShape(factory.type, object, path);
  const fieldName = shape.fold === 'count' ? null : typeof object['fieldName'] === 'string' ? object['fieldName'] : null;
  if (shape.fold !== 'count' && fieldName === null) throw invalidInput(`${path}.fieldName`, 'must be a string');
  return { name: factory.name, ...shape, fieldName, json: factory.json, factory };
}

export function parseMetricsSpec(json: unknown, path: string): IngestionMetric[] {
  if (json === undefined || json === null) return [];
  if (!Array.isArray(json)) throw invalidInput(path, 'must be an array of aggregators');
  const metrics = json.map((item, index) => parseMetric(item, `${path}[${index}]`));
  const names = new Set<string>();
  metrics.forEach((metric, index) => {
    if (metric.name === '__time') throw invalidInput(`${path}[${index}].name`, "'__time' cannot be a metric name");
    if (names.has(metric.name)) throw invalidInput(`${path}[${index}].name`, `duplicate metric '${metric.name}'`);
    names.add(metric.name);
  });
  return metrics;
}
