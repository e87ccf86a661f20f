// `sediment start`: the all-in-one process, or with roles (`--role`, the config's `roles`, or
// SEDIMENT_ROLES) the chosen cluster roles.
import { loadConfig, type SedimentConfig, type SedimentConfigLayer } from '../cluster/config.js';
import { startAllInOne } from './all-in-one.js';
import { startRoles } from './roles/start-roles.js';
import { sampleDataSource } from './sample-data.js';

export interface StartOptions {
  readonly config?: string;
  readonly port?: number;
  readonly dataDir?: string;
  readonly sample: boolean;
  /** Comma-separated roles, e.g. "coordinator,broker"; overrides the config's `roles`. */
  readonly role?: string;
}

export async function startCommand(options: StartOptions): Promise<void> {
  const overrides: { port?: number; dataDir?: string } = {};
  if (options.port !== undefined) overrides.port = options.port;
  if (options.dataDir !== undefined) overrides.dataDir = options.dataDir;
  if (options.role !== undefined) (overrides as Record<string, unknown>)['roles'] = options.role.split(',').map((role) => role.trim());
  const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
  if (config.roles.length > 0) return startClusterRoles(config);
  const server = await startAllInOne(config, { sample: options.sample });
  process.stdout.write(banner(server.url, config.dataDir, server.sampleTaskId));
  if (server.sampleTaskId !== null) {
    void server.tasks.waitFor(server.sampleTaskId).then((task) => {
      if (task?.state === 'SUCCESS') process.stdout.write(`Sample datasource '${sampleDataSource}' is loaded and queryable.\n`);
      else process.stdout.write(`Sample ingestion failed: ${task?.errorMessage ?? 'unknown error'}\n`);
    });
  }
  const shutdown = (): void => {
    process.stdout.write('Shutting down…\n');
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function banner(url: string, dataDir: string, sampleTaskId: string | null): string {
  const curl = (query: object): string => `curl -s -X POST '${url}/druid/v2?pretty' -H 'Content-Type: application/json' -d '${JSON.stringify(query)}'`;
  const intervals = ['1000-01-01/3000-01-01'];
  return [
    `Sediment is running at ${url} (console at ${url}/, data in ${dataDir})`,
    sampleTaskId === null ? '' : `Loading the sample datasource '${sampleDataSource}' (task ${sampleTaskId})…`,
    '',
    'Try:',
    curl({ queryType: 'timeseries', dataSource: sampleDataSource, granularity: 'day', intervals, aggregations: [{ type: 'count', name: 'rows' }, { type: 'longSum', name: 'bytes', fieldName: 'bytes' }] }),
    curl({ queryType: 'topN', dataSource: sampleDataSource, dimension: 'page', metric: 'views', threshold: 5, granularity: 'all', intervals, filter: { type: 'selector', dimension: 'country', value: 'US' }, aggregations: [{ type: 'count', name: 'views' }] }),
    curl({ queryType: 'groupBy', dataSource: sampleDataSource, dimensions: ['device', 'browser'], granularity: 'all', intervals, aggregations: [{ type: 'count', name: 'rows' }, { type: 'cardinality', name: 'users', fields: ['user_id'] }], limitSpec: { type: 'default', limit: 5, columns: [{ dimension: 'rows', direction: 'descending' }] } }),
    '',
  ].join('\n');
}

async function startClusterRoles(config: SedimentConfig): Promise<void> {
  const running = await startRoles(config, config.roles);
  process.stdout.write(`Sediment ${config.roles.join(', ')} listening at ${running.url}\n`);
  const shutdown = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
