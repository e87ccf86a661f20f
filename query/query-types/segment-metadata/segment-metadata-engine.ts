// segmentMetadata: one analysis per segment; merge either lists them or folds them into "merged".
import { formatInterval } from '../../intervals.js';
import type { SegmentSlice } from '../../segment-slice.js';
import type { TimeInterval } from '../../../segment-format/segment-metadata.js';
import { checkDeadline } from '../deadline.js';
import { analyzeColumn, analyzeTimeColumn, foldColumnAnalyses, type ColumnAnalysis } from './column-analysis.js';
import type { ColumnSelection, SegmentMetadataQuery } from './segment-metadata-query.js';

export interface SegmentAnalysis {
  readonly id: string;
  /** Covered intervals, condensed; null unless the `interval` analysis runs. */
  readonly intervals: readonly TimeInterval[] | null;
  readonly columns: Readonly<Record<string, ColumnAnalysis>>;
  readonly size: number;
  readonly numRows: number;
  /** Metric name → ingestion aggregator JSON (null values: conflicting); null when unknown or not requested. */
  readonly aggregators: Readonly<Record<string, unknown>> | null;
  readonly queryGranularity: unknown;
  readonly rollup: boolean | null;
  /** Start of the newest data folded in; decides the `latest`/`earliest` aggregator strategies. */
  readonly latestStartMs: number;
  readonly earliestStartMs: number;
}

export interface SegmentMetadataPartial {
  readonly queryType: 'segmentMetadata';
  readonly analyses: SegmentAnalysis[];
}

export function runSegmentMetadataSegment(query: SegmentMetadataQuery, slice: SegmentSlice, deadlineMs: number): SegmentMetadataPartial {
  checkDeadline(deadlineMs);
  const { segment } = slice;
  const { info } = segment;
  const analyses = query.analysisTypes;
  const columns: Record<string, ColumnAnalysis> = {};
  for (const name of ['__time', ...segment.columnNames()].filter((column) => isIncluded(query.toInclude, column)).sort()) {
    const column = name === '__time' ? undefined : segment.column(name);
    if (name === '__time') columns[name] = analyzeTimeColumn(segment, analyses);
    else if (column !== undefined) columns[name] = analyzeColumn(segment, name, column, analyses);
  }
  const size = analyses.has('size') ? Object.values(columns).reduce((total, column) => total + column.size, 0) : 0;
  const aggregators: Record<string, unknown> = {};
  for (const metric of info.metrics) aggregators[metric.name] = metric.aggregator;
  const analysis: SegmentAnalysis = {
    id: segment.id,
    intervals: analyses.has('interval') ? [info.interval] : null,
    columns,
    size,
    numRows: segment.rowCount,
    aggregators: analyses.has('aggregators') ? aggregators : null,
    queryGranularity: analyses.has('queryGranularity') ? info.queryGranularity : null,
    rollup: analyses.has('rollup') ? info.rollup : null,
    latestStartMs: info.interval.startMs,
    earliestStartMs: info.interval.startMs,
  };
  return { queryType: 'segmentMetadata', analyses: [analysis] };
}

function isIncluded(selection: ColumnSelection, column: string): boolean {
  if (selection.type === 'all') return true;
  if (selection.type === 'none') return false;
  return selection.columns.includes(column);
}

export function mergeSegmentMetadataPartials(query: SegmentMetadataQuery, left: SegmentMetadataPartial, right: SegmentMetadataPartial): SegmentMetadataPartial {
  if (!query.merge) return { queryType: 'segmentMetadata', analyses: [...left.analyses, ...right.analyses] };
  const all = [...left.analyses, ...right.analyses];
  if (all.length === 0) return left;
  return { queryType: 'segmentMetadata', analyses: [all.reduce((folded, next) => foldAnalyses(query, folded, next))] };
}

function foldAnalyses(query: SegmentMetadataQuery, left: SegmentAnalysis, right: SegmentAnalysis): SegmentAnalysis {
  const columns: Record<string, ColumnAnalysis> = { ...left.columns };
  for (const [name, analysis] of Object.entries(right.columns)) {
    const existing = columns[name];
    columns[name] = existing === undefined ? analysis : foldColumnAnalyses(existing, analysis);
  }
  const sortedColumns: Record<string, ColumnAnalysis> = {};
  for (const name of Object.keys(columns).sort()) sortedColumns[name] = columns[name]!;
  return {
    id: 'merged',
    intervals: left.intervals === null || right.intervals === null ? null : condense([...left.intervals, ...right.intervals]),
    columns: sortedColumns,
    size: left.size + right.size,
    numRows: left.numRows + right.numRows,
    aggregators: query.analysisTypes.has('aggregators') ? mergeAggregators(query, left, right) : null,
    queryGranularity: JSON.stringify(left.queryGranularity) === JSON.stringify(right.queryGranularity) ? left.queryGranularity : null,
    rollup: left.rollup === right.rollup ? left.rollup : null,
    latestStartMs: Math.max(left.latestStartMs, right.latestStartMs),
    earliestStartMs: Math.min(left.earliestStartMs, right.earliestStartMs),
  };
}

function mergeAggregators(query: SegmentMetadataQuery, left: SegmentAnalysis, right: SegmentAnalysis): Record<string, unknown> | null {
  const strategy = query.aggregatorMergeStrategy;
  if (strategy === 'latest' || strategy === 'earliest') {
    const rightWins = strategy === 'latest' ? right.latestStartMs >= left.latestStartMs : right.earliestStartMs < left.earliestStartMs;
    const [loser, winner] = rightWins ? [left, right] : [right, left];
    return { ...(loser.aggregators ?? {}), ...(winner.aggregators ?? {}) };
  }
  if (strategy === 'strict' && (left.aggregators === null || right.aggregators === null)) return null;
  const merged: Record<string, unknown> = { ...(left.aggregators ?? {}) };
  for (const [name, aggregator] of Object.entries(right.aggregators ?? {})) {
    if (!(name in merged)) merged[name] = aggregator;
    else if (JSON.stringify(merged[name]) !== JSON.stringify(aggregator)) {
      if (strategy === 'strict') return null;
      merged[name] = null;
    }
  }
  return merged;
}

function condense(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = [...intervals].sort((left, right) => left.startMs - right.startMs);
  const condensed: TimeInterval[] = [];
  for (const interval of sorted) {
    const last = condensed[condensed.length - 1];
    if (last !== undefined && interval.startMs <= last.endMs) {
      condensed[condensed.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, interval.endMs) };
    } else condensed.push(interval);
  }
  return condensed;
}

export function finalizeSegmentMetadata(merged: SegmentMetadataPartial | null): unknown[] {
  if (merged === null) return [];
  return merged.analyses.map((analysis) => ({
    id: analysis.id,
    intervals: analysis.intervals === null ? null : analysis.intervals.map(formatInterval),
    columns: analysis.columns,
    size: analysis.size,
    numRows: analysis.numRows,
    aggregators: analysis.aggregators,
    timestampSpec: null,
    queryGranularity: analysis.queryGranularity,
    rollup: analysis.rollup,
  }));
}
