import { invalidInput } from '../../../cluster/errors.js';
import { optionalString, type JsonObject } from '../json-fields.js';
import { parseOptionalFilter, rejectUnsupportedFields } from '../parse-common.js';
import { parseQueryBase } from '../query-base.js';
import type { TimeBoundaryQuery } from './time-boundary-query.js';

export function parseTimeBoundaryQuery(object: JsonObject): TimeBoundaryQuery {
  rejectUnsupportedFields(object, ['virtualColumns']);
  const bound = optionalString(object, 'bound', '') ?? null;
  if (bound !== null && bound !== 'minTime' && bound !== 'maxTime') throw invalidInput('bound', 'must be "minTime" or "maxTime"');
  return Object.freeze({ queryType: 'timeBoundary', ...parseQueryBase(object, false), bound, filter: parseOptionalFilter(object) });
}
