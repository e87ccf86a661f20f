// Which columns of a segment a query may read, so the main thread can load them and share them with
// the workers before the workers start. Found from the query JSON rather than from each query type's
// fields: every string in it (and every word of an expression) that names a column of the segment.
// That over-approximates by the odd output name that equals a column name, and can miss nothing that
// names a column in plain text; a worker decodes any column it was not sent from the file itself.
import type { QueryableSegment } from '../queryable-segment.js';
import type { Query } from '../query.js';

const wordPattern = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * Names of the segment's columns (not __time) the query may read. With `withoutFilter` the top-level
 * filter is left out (it was evaluated on the main thread into a row selection).
 */
export function columnsReadBy(query: Query, queryJson: unknown, segment: QueryableSegment, withoutFilter: boolean): string[] {
  const names = new Set(segment.columnNames());
  const read = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (names.has(value)) read.add(value);
      else for (const word of value.match(wordPattern) ?? []) if (names.has(word)) read.add(word);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) if (!(withoutFilter && key === 'filter' && value === queryJson)) visit(item);
    }
  };
  visit(queryJson);
  // A search without searchDimensions reads every string column.
  if (query.queryType === 'search' && query.searchDimensions === null) {
    for (const name of names) if (segment.columnType(name) === 'STRING') read.add(name);
  }
  return [...read];
}
