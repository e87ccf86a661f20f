// Shared helpers for the ingestion tests: temp directories, spec builders, and reading written
// segments back as plain row objects.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { HyperLogLog } from '../../query/hyper-log-log.js';
import { runBatchIngestion, type BatchIngestionOptions, type BatchIngestionResult } from '../../realtime/batch-ingestion.js';
import { parseIndexTaskSpec } from '../../realtime/index-task-spec.js';
import { openSegment } from '../../segment-format/segment-reader.js';

export async function temporaryDirectory(context: TestContext, prefix = 'sediment-ingest-'): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  context.after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

export interface SpecParts {
  dataSchema?: Record<string, unknown>;
  inputSource: Record<string, unknown>;
  inputFormat: Record<string, unknown>;
  granularitySpec?: Record<string, unknown>;
  dimensionsSpec?: Record<string, unknown>;
  metricsSpec?: unknown[];
  timestampSpec?: Record<string, unknown>;
  transformSpec?: Record<string, unknown>;
  tuningConfig?: Record<string, unknown>;
}

/** A full `index_parallel` task JSON from the interesting parts. */
export function taskJson(parts: SpecParts): Record<string, unknown> {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource: 'test',
        timestampSpec: parts.timestampSpec ?? { column: 'ts', format: 'auto' },
        dimensionsSpec: parts.dimensionsSpec ?? { dimensions: [] },
        metricsSpec: parts.metricsSpec ?? [{ type: 'count', name: 'count' }],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false, ...parts.granularitySpec },
        ...(parts.transformSpec ? { transformSpec: parts.transformSpec } : {}),
        ...parts.dataSchema,
      },
      ioConfig: { type: 'index_parallel', inputSource: parts.inputSource, inputFormat: parts.inputFormat },
      tuningConfig: { type: 'index_parallel', ...parts.tuningConfig },
    },
  };
}

export async function ingest(
  context: TestContext,
  parts: SpecParts,
  options: Partial<BatchIngestionOptions> = {},
): Promise<BatchIngestionResult & { workDir: string }> {
  const workDir = await temporaryDirectory(context, 'sediment-work-');
  const spec = parseIndexTaskSpec(taskJson(parts));
  const result = await runBatchIngestion(spec, { workDir, version: '2024-01-01T00:00:00.000Z', ...options });
  return { ...result, workDir };
}

export type Row = Record<string, unknown>;

/** All rows of a segment file as objects: __time, dimensions (multi-value as arrays), metrics (sketches as estimates). */
export async function readSegmentRows(path: string): Promise<Row[]> {
  const segment = await openSegment(path);
  try {
    const time = segment.time();
    const rows: Row[] = Array.from(time, (value) => ({ __time: value }));
    for (const name of segment.columnNames()) {
      const column = segment.column(name)!;
      for (let row = 0; row < rows.length; row++) rows[row]![name] = valueAt(column, row);
    }
    return rows;
  } finally {
    segment.close();
  }
}

function valueAt(column: NonNullable<ReturnType<Awaited<ReturnType<typeof openSegment>>['column']>>, row: number): unknown {
  if (column.kind === 'string') {
    if (!column.multiValue) return column.dictionary[column.ids[row]!];
    const values: unknown[] = [];
    for (let index = column.offsets[row]!; index < column.offsets[row + 1]!; index++) values.push(column.dictionary[column.ids[index]!]);
    return values.length === 1 ? values[0] : values;
  }
  if (column.kind === 'hyperUnique') return HyperLogLog.deserialize(column.values[row]!).estimate();
  return column.nulls?.has(row) ? null : column.values[row];
}

/** Rows of every segment of a result, in segment then row order. */
export async function readAllRows(result: BatchIngestionResult): Promise<Row[]> {
  const rows: Row[] = [];
  for (const segment of result.segments) rows.push(...(await readSegmentRows(segment.path)));
  return rows;
}

export function jsonLines(rows: readonly Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

/** A small seeded generator (LCG) in [0, 1), so randomized ingestion inputs repeat exactly. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}
