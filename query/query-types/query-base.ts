// Fields every native query shares: dataSource, intervals and context.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { ETERNITY, parseIntervals } from '../intervals.js';
import { parseQueryContext, type QueryContext } from '../query-context.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { isJsonObject, optionalString, type JsonObject } from './json-fields.js';
import type { Query } from '../query.js';

/** Druid's query datasource: the outer query reads the inner query's result rows as its table. */
export interface SubQuery {
  /** The inner query, parsed. */
  readonly query: Query;
  /** The inner query's JSON, for running it where JSON is what travels (cluster sub-queries). */
  readonly json: unknown;
}

export interface QueryBase {
  /** The table datasource's name; for a query datasource, the table its innermost query reads. */
  readonly dataSource: string;
  /** Set for a query datasource: the outer query runs over this query's results, not over dataSource. */
  readonly subquery: SubQuery | null;
  /** Sorted, non-overlapping intervals the query reads; [ETERNITY] where Druid allows omitting them. */
  readonly intervals: readonly TimeInterval[];
  readonly context: QueryContext;
}

/** A table name, given as a string or as {"type":"table","name":…}. */
export function parseDataSource(json: unknown, path: string): string {
  if (typeof json === 'string' && json !== '') return json;
  if (isJsonObject(json)) {
    const type = optionalString(json, 'type', path) ?? 'table';
    if (type !== 'table') {
      throw new SedimentError('unsupported', `${path}: datasource type "${type}" is not supported; use a table name or a query datasource`);
    }
    const name = optionalString(json, 'name', path);
    if (name === undefined || name === '') throw invalidInput(`${path}.name`, 'is required');
    return name;
  }
  if (json === undefined || json === null) throw invalidInput(path, 'is required');
  throw invalidInput(path, 'must be a table name or {"type":"table","name":…}');
}

export function parseQueryBase(object: JsonObject, intervalsRequired: boolean): QueryBase {
  const intervalsJson = object['intervals'];
  let intervals: readonly TimeInterval[];
  if (intervalsJson === undefined || intervalsJson === null) {
    if (intervalsRequired) throw invalidInput('intervals', 'is required');
    intervals = [ETERNITY];
  } else {
    intervals = Object.freeze(parseIntervals(intervalsJson, 'intervals'));
  }
  return {
    dataSource: parseDataSource(object['dataSource'], 'dataSource'),
    subquery: null,
    intervals,
    context: parseQueryContext(object['context']),
  };
}
