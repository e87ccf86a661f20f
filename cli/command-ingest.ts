// `sediment ingest SPEC.json`: runs a batch task with a progress bar, either in this process against
// the configured data directory (a running server picks the segments up at its next coordinator
// run) or by submitting to a running server with --url and following its status.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError, invalidInput } from '../cluster/errors.js';
import { loadConfig, type SedimentConfigLayer } from '../cluster/config.js';
import { createLogger } from '../cluster/logger.js';
import { openDeepStorage, openMetadataStore } from './roles/open-seams.js';
import { TaskRunner } from '../realtime/task-runner.js';
import { ProgressBar } from './progress-bar.js';
import { httpJson } from './http-json.js';

export interface IngestOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly url?: string;
}

export async function ingestCommand(specPath: string, options: IngestOptions): Promise<void> {
  const spec = await readSpec(specPath);
  if (options.url !== undefined) return ingestRemote(spec, options.url);
  const overrides = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
  const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
  // Whatever the config names: SQLite + local disk on the embedded defaults, PostgreSQL + S3 in a cluster.
  const store = await openMetadataStore(config, createLogger('sediment-ingest'));
  try {
    const runner = new TaskRunner({ store, deepStorage: await openDeepStorage(config), workDir: join(config.dataDir, 'task-work') });
    const id = await runner.submit(spec);
    const bar = new ProgressBar();
    const timer = setInterval(() => {
      const progress = runner.progressOf(id);
      if (progress !== undefined) {
        bar.update(progress.bytesRead, progress.bytesTotal, `${progress.rowsProcessed.toLocaleString('en-US')} rows`);
      }
    }, 100);
    const task = await runner.waitFor(id);
    clearInterval(timer);
    report(bar, id, task?.state, task?.errorMessage ?? null, task?.report);
  } finally {
    await store.close();
  }
}

async function readSpec(specPath: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (error) {
    throw new SedimentError('not_found', `cannot read spec ${specPath}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidInput('', `spec ${specPath} is not valid JSON: ${(error as Error).message}`);
  }
}

async function ingestRemote(spec: unknown, url: string): Promise<void> {
  const { task: id } = (await httpJson('POST', `${url}/druid/indexer/v1/task`, spec)) as { task: string };
  const bar = new ProgressBar();
  for (;;) {
    const { status } = (await httpJson('GET', `${url}/druid/indexer/v1/task/${encodeURIComponent(id)}/status`)) as {
      status: { status: string; errorMsg: string | null; rowsProcessed?: number };
    };
    if (status.status !== 'RUNNING') {
      const reportJson = status.status === 'SUCCESS' ? await httpJson('GET', `${url}/druid/indexer/v1/task/${encodeURIComponent(id)}/reports`) : null;
      report(bar, id, status.status, status.errorMsg, reportJson);
      return;
    }
    bar.update(0, 0, `${(status.rowsProcessed ?? 0).toLocaleString('en-US')} rows`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function report(bar: ProgressBar, id: string, state: string | undefined, errorMessage: string | null, taskReport: unknown): void {
  const payload = (taskReport as { ingestionStatsAndErrors?: { payload?: { rowStats?: { buildSegments?: Record<string, number> }; segmentsPublished?: number } } } | null)
    ?.ingestionStatsAndErrors?.payload;
  const stats = payload?.rowStats?.buildSegments;
  if (state === 'SUCCESS') {
    bar.finish(`Task ${id} succeeded: ${JSON.stringify(stats ?? {})}, ${payload?.segmentsPublished ?? '?'} segments published.`);
    return;
  }
  bar.finish(`Task ${id} failed: ${errorMessage ?? 'unknown error'}`);
  process.exitCode = 1;
}
