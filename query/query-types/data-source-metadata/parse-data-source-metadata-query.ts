import type { JsonObject } from '../json-fields.js';
import { parseQueryBase } from '../query-base.js';
import type { DataSourceMetadataQuery } from './data-source-metadata-query.js';

export function parseDataSourceMetadataQuery(object: JsonObject): DataSourceMetadataQuery {
  return Object.freeze({ queryType: 'dataSourceMetadata', ...parseQueryBase(object, false) });
}
