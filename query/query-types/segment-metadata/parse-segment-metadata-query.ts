import { invalidInput } from '../../../cluster/errors.js';
import {
  fieldPath,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalStringArray,
  requireObject,
  requireString,
  type JsonObject,
} from '../json-fields.js';
import { parseQueryBase } from '../query-base.js';
import type { ColumnSelection, SegmentAnalysisType, SegmentMetadataQuery } from './segment-metadata-query.js';

const analysisTypes: readonly SegmentAnalysisType[] = [
  'cardinality',
  'size',
  'interval',
  'aggregators',
  'minmax',
  'timestampSpec',
  'queryGranularity',
  'rollup',
];
const defaultAnalysisTypes: readonly SegmentAnalysisType[] = ['cardinality', 'interval', 'minmax'];

export function parseSegmentMetadataQuery(object: JsonObject): SegmentMetadataQuery {
  const requested = optionalArray(object, 'analysisTypes', '');
  const types = (requested ?? defaultAnalysisTypes).map((type, index) => {
    const name = typeof type === 'string' ? analysisTypes.find((candidate) => candidate.toLowerCase() === type.toLowerCase()) : undefined;
    if (name === undefined) throw invalidInput(fieldPath('analysisTypes', index), `must be one of ${analysisTypes.join(', ')}`);
    return name;
  });
  const lenient = optionalBoolean(object, 'lenientAggregatorMerge', '', false);
  return Object.freeze({
    queryType: 'segmentMetadata',
    ...parseQueryBase(object, false),
    toInclude: parseColumnSelection(object['toInclude'], 'toInclude'),
    merge: optionalBoolean(object, 'merge', '', false),
    analysisTypes: new Set(types),
    aggregatorMergeStrategy: optionalEnum(object, 'aggregatorMergeStrategy', '', ['strict', 'lenient', 'latest', 'earliest'], lenient ? 'lenient' : 'strict'),
  });
}

function parseColumnSelection(json: unknown, path: string): ColumnSelection {
  if (json === undefined || json === null) return { type: 'all' };
  const object = requireObject(json, path);
  const type = requireString(object, 'type', path);
  if (type === 'all' || type === 'none') return { type };
  if (type === 'list') return { type, columns: optionalStringArray(object, 'columns', path) ?? [] };
  throw invalidInput(fieldPath(path, 'type'), 'must be "all", "none" or "list"');
}
