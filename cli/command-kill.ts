// `sediment kill --datasource DS --interval I`: permanently delete the UNUSED segments wholly inside
// the interval (deep storage first, then the metadata store). Used segments are never touched: mark
// them unused first (POST /druid/coordinator/v1/datasources/DS/markUnused).
import type { Command } from 'commander';
import { SedimentError, invalidInput } from '../cluster/errors.js';
import { loadConfig, type SedimentConfigLayer } from '../cluster/config.js';
import { LocalDeepStorage } from '../cluster/local-deep-storage.js';
import { SqliteMetadataStore } from '../cluster/sqlite-metadata-store.js';
import { killUnusedSegments } from '../coordinator/kill/kill-unused-segments.js';
import { formatInterval, parseInterval } from '../query/intervals.js';

export interface KillOptions {
  readonly datasource?: string;
  readonly interval?: string;
  readonly url?: string;
  readonly config?: string;
  readonly dataDir?: string;
}

export function registerKillCommand(program: Command): void {
  program
    .command('kill')
    .description('permanently delete unused segments of a datasource inside an interval')
    .option('--datasource <name>', 'datasource')
    .option('--interval <interval>', 'ISO-8601 interval; only segments wholly inside it')
    .option('-u, --url <url>', 'a running Sediment, e.g. http://localhost:8888')
    .option('-c, --config <file>', 'JSON config file (offline)')
    .option('-d, --data-dir <dir>', 'data directory (offline)')
    .action(killCommand);
}

export async function killCommand(options: KillOptions): Promise<void> {
  if (options.datasource === undefined) throw invalidInput('--datasource', 'is required');
  if (options.interval === undefined) throw invalidInput('--interval', 'is required');
  const interval = parseInterval(options.interval, '--interval');
  let killed: number;
  if (options.url !== undefined) {
    const path = `${options.url}/druid/coordinator/v1/datasources/${encodeURIComponent(options.datasource)}/intervals/${encodeURIComponent(formatInterval(interval).replace('/', '_'))}`;
    const response = await fetch(path, { method: 'DELETE' }).catch((error: unknown) => {
      throw new SedimentError('not_found', `cannot reach ${options.url}: ${(error as Error).message}`);
    });
    const body = (await response.json()) as { killed?: number; errorMessage?: string };
    if (!response.ok) throw new SedimentError('invalid_input', `${response.status}: ${body.errorMessage ?? 'kill failed'}`);
    killed = body.killed ?? 0;
  } else {
    const overrides = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
    const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
    const store = SqliteMetadataStore.open(config.metadata.path);
    try {
      killed = (await killUnusedSegments(store, new LocalDeepStorage(config.deepStorage.dir), { dataSource: options.datasource, interval })).killed.length;
    } finally {
      await store.close();
    }
  }
  process.stdout.write(`Killed ${killed} unused segment(s) of ${options.datasource} in ${formatInterval(interval)}.\n`);
}
