// Batch ingestion through Druid's task API: build an index_parallel spec for a dataset, submit it,
// poll until the task succeeds and its segments are served, and read back rows, segments and bytes.
import type { Dataset } from './dataset.js';
import { dimensionColumns, metricColumns } from './dataset.js';
import { getJson, postJson } from './sediment-client.js';
import { sleep } from './sediment-process.js';

export interface SedimentIngestionOutcome {
  /** rowStats.buildSegments.processed from the task report. */
  readonly rowsProcessed: number;
  /** Submit → task SUCCESS (segments published). */
  readonly publishWallMs: number;
  /** Submit → every segment served (queryable). */
  readonly queryableWallMs: number;
  readonly segments: number;
  /** Rows stored across the segments (fewer than processed under rollup). */
  readonly storedRows: number;
  /** Sum of the segment files' sizes in deep storage. */
  readonly segmentBytes: number;
}

/** Druid's index_parallel spec for the dataset; rollup off keeps every row, as DuckDB does. */
export function ingestionSpec(dataset: Dataset, dataSource: string, rollup: boolean): unknown {
  const baseDirEnd = dataset.file.lastIndexOf('/');
  const metrics = metricColumns(dataset).map((column) => ({
    type: column.type === 'double' ? 'doubleSum' : 'longSum',
    name: column.name,
    fieldName: column.name,
  }));
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'timestamp', format: 'millis' },
        dimensionsSpec: { dimensions: dimensionColumns(dataset).map((column) => column.name) },
        metricsSpec: rollup ? [{ type: 'count', name: 'count' }, ...metrics] : metrics,
        granularitySpec: {
          segmentGranularity: dataset.segmentGranularity,
          queryGranularity: rollup ? 'minute' : 'none',
          rollup,
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'local', baseDir: dataset.file.slice(0, baseDirEnd), filter: dataset.file.slice(baseDirEnd + 1) },
        inputFormat: { type: 'json' },
        appendToExisting: false,
      },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}

interface TaskStatus {
  readonly status?: { readonly status?: string; readonly errorMsg?: string | null };
}

async function waitForTask(baseUrl: string, taskId: string, timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (Date.now() < deadlineMs) {
    const status = (await getJson(`${baseUrl}/druid/indexer/v1/task/${encodeURIComponent(taskId)}/status`)) as TaskStatus;
    const state = status.status?.status;
    if (state === 'SUCCESS') return;
    if (state === 'FAILED') throw new Error(`ingestion task ${taskId} failed: ${status.status?.errorMsg ?? 'no message'}`);
    await sleep(50);
  }
  throw new Error(`ingestion task ${taskId} did not finish within ${timeoutMs} ms`);
}

/** Waits until the coordinator reports every used segment of the datasource loaded and the broker sees it. */
export async function waitForQueryable(baseUrl: string, dataSource: string, timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (Date.now() < deadlineMs) {
    const loadStatus = (await getJson(`${baseUrl}/druid/coordinator/v1/loadstatus`)) as Record<string, number>;
    const served = (await getJson(`${baseUrl}/druid/v2/datasources`)) as string[];
    if (loadStatus[dataSource] === 100 && served.includes(dataSource)) return;
    await sleep(50);
  }
  throw new Error(`datasource ${dataSource} was not fully loaded within ${timeoutMs} ms`);
}

interface SegmentJson {
  readonly size?: number;
  readonly numRows?: number;
}

async function segmentTotals(baseUrl: string, dataSource: string): Promise<{ segments: number; storedRows: number; segmentBytes: number }> {
  const segments = (await getJson(`${baseUrl}/druid/coordinator/v1/metadata/datasources/${encodeURIComponent(dataSource)}/segments?full`)) as SegmentJson[];
  let storedRows = 0;
  let segmentBytes = 0;
  for (const segment of segments) {
    storedRows += segment.numRows ?? 0;
    segmentBytes += segment.size ?? 0;
  }
  return { segments: segments.length, storedRows, segmentBytes };
}

function processedRows(report: unknown): number {
  const payload = (report as { ingestionStatsAndErrors?: { payload?: { rowStats?: { buildSegments?: { processed?: number } } } } })
    .ingestionStatsAndErrors?.payload;
  const processed = payload?.rowStats?.buildSegments?.processed;
  if (typeof processed !== 'number') throw new Error('the task report has no ingestionStatsAndErrors.payload.rowStats.buildSegments.processed');
  return processed;
}

export async function ingestIntoSediment(
  baseUrl: string,
  dataset: Dataset,
  options: { dataSource: string; rollup: boolean; timeoutMs: number },
): Promise<SedimentIngestionOutcome> {
  const startedMs = performance.now();
  const submitted = (await postJson(`${baseUrl}/druid/indexer/v1/task`, ingestionSpec(dataset, options.dataSource, options.rollup))) as { task: string };
  await waitForTask(baseUrl, submitted.task, options.timeoutMs);
  const publishWallMs = performance.now() - startedMs;
  await waitForQueryable(baseUrl, options.dataSource, options.timeoutMs);
  const queryableWallMs = performance.now() - startedMs;
  const report = await getJson(`${baseUrl}/druid/indexer/v1/task/${encodeURIComponent(submitted.task)}/reports`);
  return { rowsProcessed: processedRows(report), publishWallMs, queryableWallMs, ...(await segmentTotals(baseUrl, options.dataSource)) };
}
