// Per-column statistics for segmentMetadata, computed from the column data itself (dictionaries,
// typed arrays), and Druid's rule for folding two analyses of the same column.
import type { QueryableSegment } from '../../queryable-segment.js';
import type { Column } from '../../../segment-format/columns.js';
import type { SegmentAnalysisType } from './segment-metadata-query.js';

export interface ColumnAnalysis {
  typeSignature: string;
  type: string;
  hasMultipleValues: boolean;
  hasNulls: boolean;
  /** Estimated bytes of the column in a flat (CSV-like) form; 0 unless the `size` analysis runs. */
  size: number;
  /** Distinct values of a string column (null counts as one); null otherwise or when not requested. */
  cardinality: number | null;
  minValue: string | number | null;
  maxValue: string | number | null;
  errorMessage: string | null;
}

const utf8 = new TextEncoder();

export function analyzeTimeColumn(segment: QueryableSegment, analyses: ReadonlySet<SegmentAnalysisType>): ColumnAnalysis {
  const time = segment.time();
  const hasRows = time.length > 0;
  return {
    typeSignature: 'LONG',
    type: 'LONG',
    hasMultipleValues: false,
    hasNulls: false,
    size: analyses.has('size') ? time.length * 8 : 0,
    cardinality: null,
    minValue: analyses.has('minmax') && hasRows ? time[0]! : null,
    maxValue: analyses.has('minmax') && hasRows ? time[time.length - 1]! : null,
    errorMessage: null,
  };
}

export function analyzeColumn(segment: QueryableSegment, name: string, column: Column, analyses: ReadonlySet<SegmentAnalysisType>): ColumnAnalysis {
  switch (column.kind) {
    case 'string':
      return analyzeStringColumn(segment, name, column, analyses);
    case 'hyperUnique':
      return { ...emptyAnalysis('COMPLEX<hyperUnique>'), type: 'hyperUnique' };
    default: {
      const type = column.kind.toUpperCase();
      const { values, nulls } = column;
      const analysis = { ...emptyAnalysis(type), hasNulls: nulls !== null && !nulls.isEmpty };
      if (analyses.has('size')) analysis.size = segment.rowCount * (column.kind === 'float' ? 4 : 8);
      if (analyses.has('minmax')) {
        let minimum = Number.POSITIVE_INFINITY;
        let maximum = Number.NEGATIVE_INFINITY;
        for (let row = 0; row < values.length; row++) {
          if (nulls !== null && nulls.has(row)) continue;
          const value = values[row]!;
          if (value < minimum) minimum = value;
          if (value > maximum) maximum = value;
        }
        if (minimum <= maximum) {
          analysis.minValue = minimum;
          analysis.maxValue = maximum;
        }
      }
      return analysis;
    }
  }
}

function analyzeStringColumn(
  segment: QueryableSegment,
  name: string,
  column: Column & { kind: 'string' },
  analyses: ReadonlySet<SegmentAnalysisType>,
): ColumnAnalysis {
  const { dictionary } = column;
  const analysis = { ...emptyAnalysis('STRING'), hasMultipleValues: segment.isMultiValue(name), hasNulls: dictionary[0] === null };
  if (analyses.has('cardinality')) analysis.cardinality = dictionary.length;
  if (analyses.has('minmax')) {
    const firstValue = dictionary[0] === null ? 1 : 0;
    if (dictionary.length > firstValue) {
      analysis.minValue = dictionary[firstValue]!;
      analysis.maxValue = dictionary[dictionary.length - 1]!;
    }
  }
  if (analyses.has('size')) {
    const counts = new Float64Array(dictionary.length);
    for (let index = 0; index < column.ids.length; index++) counts[column.ids[index]!]!++;
    let size = 0;
    dictionary.forEach((value, id) => (size += value === null ? 0 : utf8.encode(value).length * counts[id]!));
    analysis.size = size;
  }
  return analysis;
}

function emptyAnalysis(type: string): ColumnAnalysis {
  return {
    typeSignature: type,
    type,
    hasMultipleValues: false,
    hasNulls: false,
    size: 0,
    cardinality: null,
    minValue: null,
    maxValue: null,
    errorMessage: null,
  };
}

/** Druid's ColumnAnalysis.fold: sizes add, cardinality takes the larger, min/max widen, flags OR. */
export function foldColumnAnalyses(left: ColumnAnalysis, right: ColumnAnalysis): ColumnAnalysis {
  if (left.errorMessage !== null) return left;
  if (right.errorMessage !== null) return right;
  if (left.typeSignature !== right.typeSignature) {
    return { ...emptyAnalysis(left.type), errorMessage: `error:cannot_merge_diff_types: [${left.typeSignature}] and [${right.typeSignature}]` };
  }
  return {
    ...left,
    hasMultipleValues: left.hasMultipleValues || right.hasMultipleValues,
    hasNulls: left.hasNulls || right.hasNulls,
    size: left.size + right.size,
    cardinality: left.cardinality === null ? right.cardinality : right.cardinality === null ? left.cardinality : Math.max(left.cardinality, right.cardinality),
    minValue: pick(left.minValue, right.minValue, (a, b) => a <= b),
    maxValue: pick(left.maxValue, right.maxValue, (a, b) => a >= b),
  };
}

function pick<T extends string | number>(left: T | null, right: T | null, prefersLeft: (a: T, b: T) => boolean): T | null {
  if (left === null) return right;
  if (right === null) return left;
  return prefersLeft(left, right) ? left : right;
}
