// The incremental index's schema from a parsed dataSchema, shared by batch and streaming ingestion.
import type { IndexSchema } from './incremental-index.js';
import type { DataSchema } from './index-task-spec.js';

/** Discovery never turns __time, the timestamp field or a metric's input or output into a dimension. */
export function indexSchemaOf(schema: DataSchema): IndexSchema {
  const exclusions = new Set<string>(schema.dimensionsSpec.exclusions);
  exclusions.add('__time');
  exclusions.add(schema.timestampSpec.column);
  for (const metric of schema.ingestionMetrics) {
    exclusions.add(metric.name);
    if (metric.fieldName !== null) exclusions.add(metric.fieldName);
  }
  return {
    dimensions: schema.dimensions,
    discovery: schema.dimensionsSpec.discovery,
    discoveryExclusions: exclusions,
    metrics: schema.ingestionMetrics,
    rollup: schema.rollup,
    queryGranularity: schema.queryGranularity,
  };
}
