// Evaluates a value predicate over one column of a segment, choosing the access path by column type:
// string columns from the dictionary and bitmap index (never a row scan), numeric columns by one scan
// of the typed array, __time by binary search, a missing column as all-null.
import RoaringModule from 'roaring';
import type { RoaringBitmap32 as RoaringBitmap32Type } from 'roaring';
import { SedimentError } from '../../cluster/errors.js';
import type { Dictionary, MultiValueStringColumn, NumericColumn, StringColumn } from '../../segment-format/columns.js';
import type { QueryableSegment } from '../queryable-segment.js';
import { firstNonNullId } from './dictionary-search.js';
import type { FilterResult } from './filter.js';
import { scanPredicate, scanRange, scanScopeOf, sortedRangesRows } from './numeric-scan.js';
import { allTrue, allUnknown, withNullRows } from './three-valued.js';
import type { DictionaryMatch, ValuePredicate } from './value-predicate.js';

const { RoaringBitmap32 } = RoaringModule;

export const TIME_COLUMN = '__time';

function scanDictionary(dictionary: Dictionary, predicate: ValuePredicate): DictionaryMatch {
  const ids: number[] = [];
  for (let id = firstNonNullId(dictionary); id < dictionary.length; id++) {
    if (predicate.matchesString(dictionary[id] as string)) ids.push(id);
  }
  return { kind: 'ids', ids };
}

function matchCount(match: DictionaryMatch): number {
  return match.kind === 'range' ? Math.max(0, match.endId - match.startId) : match.ids.length;
}

function forEachMatchedId(match: DictionaryMatch, visit: (id: number) => void): void {
  if (match.kind === 'range') for (let id = match.startId; id < match.endId; id++) visit(id);
  else for (const id of match.ids) visit(id);
}

/** Rows of the non-null ids NOT in the match (the complement is cheaper when most ids match). */
function unmatchedRows(column: StringColumn, match: DictionaryMatch): RoaringBitmap32Type {
  const matched = new Uint8Array(column.dictionary.length);
  forEachMatchedId(match, (id) => (matched[id] = 1));
  const bitmaps: RoaringBitmap32Type[] = [];
  for (let id = firstNonNullId(column.dictionary); id < column.dictionary.length; id++) {
    if (matched[id] === 0) bitmaps.push(column.bitmap(id));
  }
  return RoaringBitmap32.orMany(bitmaps);
}

function evaluateStringColumn(
  column: StringColumn | MultiValueStringColumn,
  predicate: ValuePredicate,
  rowCount: number,
): FilterResult {
  const { dictionary } = column;
  const match = predicate.matchDictionary?.(dictionary) ?? scanDictionary(dictionary, predicate);
  const nonNullCount = dictionary.length - firstNonNullId(dictionary);
  const nullRows = firstNonNullId(dictionary) === 1 ? column.bitmap(0) : null;
  let matches: RoaringBitmap32Type;
  if (!column.multiValue && matchCount(match) * 2 > nonNullCount) {
    // Single-value rows hold exactly one id, so TRUE rows = all rows − other ids' rows − null rows.
    matches = new RoaringBitmap32();
    matches.addRange(0, rowCount);
    matches.andNotInPlace(unmatchedRows(column, match));
    if (nullRows !== null) matches.andNotInPlace(nullRows);
  } else {
    const bitmaps: RoaringBitmap32Type[] = [];
    forEachMatchedId(match, (id) => bitmaps.push(column.bitmap(id)));
    matches = RoaringBitmap32.orMany(bitmaps);
  }
  return withNullRows(matches, nullRows, predicate.matchesNull);
}

function evaluateNumericColumn(column: NumericColumn, predicate: ValuePredicate, within: RoaringBitmap32Type | undefined): FilterResult {
  const kind = column.kind;
  const ranges = predicate.numericRanges?.(kind) ?? null;
  const scope = scanScopeOf(column.values.length, within);
  let matches: RoaringBitmap32Type;
  if (ranges !== null && ranges.length === 0) matches = new RoaringBitmap32();
  else if (ranges !== null && ranges.length === 1) matches = scanRange(column.values, ranges[0]!, scope);
  else matches = scanPredicate(column.values, kind, (value, valueKind) => predicate.matchesNumber(value, valueKind), scope);
  if (column.nulls !== null) matches.andNotInPlace(column.nulls);
  return withNullRows(matches, column.nulls, predicate.matchesNull);
}

function evaluateTimeColumn(segment: QueryableSegment, predicate: ValuePredicate, within: RoaringBitmap32Type | undefined): FilterResult {
  const time = segment.time();
  const ranges = predicate.numericRanges?.('long') ?? null;
  const matches =
    ranges !== null
      ? sortedRangesRows(time, ranges)
      : scanPredicate(time, 'long', (value, kind) => predicate.matchesNumber(value, kind), scanScopeOf(time.length, within));
  return withNullRows(matches, null, predicate.matchesNull);
}

/** True when the predicate on this column is answered by scanning rows (a numeric column other than __time). */
export function scansColumnRows(segment: QueryableSegment, columnName: string): boolean {
  if (columnName === TIME_COLUMN) return false;
  const type = segment.columnType(columnName);
  return type === 'LONG' || type === 'FLOAT' || type === 'DOUBLE';
}

/**
 * TRUE / UNKNOWN rows of `predicate` applied to `columnName` of the segment; only rows in `within`
 * (when given) need a correct answer, and numeric scans visit just those.
 */
export function evaluateColumnPredicate(
  segment: QueryableSegment,
  columnName: string,
  predicate: ValuePredicate,
  within?: RoaringBitmap32Type,
): FilterResult {
  if (columnName === TIME_COLUMN) return evaluateTimeColumn(segment, predicate, within);
  const column = segment.column(columnName);
  if (column === undefined) return predicate.matchesNull ? allTrue(segment.rowCount) : allUnknown(segment.rowCount);
  switch (column.kind) {
    case 'string':
      return evaluateStringColumn(column, predicate, segment.rowCount);
    case 'long':
    case 'float':
    case 'double':
      return evaluateNumericColumn(column, predicate, within);
    case 'hyperUnique':
      throw new SedimentError('unsupported', `cannot filter on column '${columnName}' of type COMPLEX<hyperUnique>`);
  }
}
