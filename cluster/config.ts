// The process configuration. Layers, lowest precedence first: built-in defaults, the JSON config
// file, environment variables, explicit overrides (CLI flags). Paths left unset are derived from
// `dataDir` after all layers are merged, so `--data-dir` alone moves everything.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { SedimentError, invalidInput } from './errors.js';

/**
 * Where the metadata store lives. One shape for both kinds (rather than a union) so code written
 * for the embedded store keeps compiling: `path` is always present, and only read for sqlite.
 */
export interface SqliteMetadataConfig {
  /** "sqlite" (embedded file, the default) or "postgres" (the cluster store). */
  readonly type: 'sqlite' | 'postgres';
  /** sqlite: the database file; created (with its schema) on first open. */
  readonly path: string;
  /** postgres: a libpq URL, e.g. postgresql://user:password@host:5432/sediment. Required for postgres. */
  readonly connectionString?: string;
}
export type MetadataConfig = SqliteMetadataConfig;

/** Where deep storage lives: a local directory (default) or an S3 bucket. `dir` is only read for local. */
export interface LocalDeepStorageConfig {
  /** "local" or "s3". */
  readonly type: 'local' | 's3';
  /** local: root directory; segment keys are paths below it. */
  readonly dir: string;
  /** s3: the bucket (must exist). Required for s3. */
  readonly bucket?: string;
  /** s3: prepended to every key. */
  readonly prefix?: string;
  /** s3: a non-AWS endpoint such as http://127.0.0.1:9000; default AWS. */
  readonly endpoint?: string;
  /** s3: default the SDK's resolution (AWS_REGION). */
  readonly region?: string;
  /** s3: bucket in the path, not the host name (MinIO, s3rver). */
  readonly forcePathStyle?: boolean;
  /** s3: static credentials; default the SDK's credential chain (AWS_ACCESS_KEY_ID, roles…). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** s3: checksums only where S3 requires them; needed by servers that mishandle checksum trailers. */
  readonly checksumsWhenRequired?: boolean;
}
export type DeepStorageConfig = LocalDeepStorageConfig;

/**
 * The roles `sediment start` can run; several may share one process. `realtime` runs the streaming
 * supervisors and serves their not-yet-handed-off data; one realtime process per cluster (segment
 * allocation is process-local, see cluster/README.md).
 */
export type ServerRoleName = 'coordinator' | 'historical' | 'broker' | 'realtime';
export const serverRoleNames: readonly ServerRoleName[] = ['coordinator', 'historical', 'broker', 'realtime'];

export interface ZookeeperConfig {
  /** "host:port[,host:port…]"; empty means in-process discovery (every role in this one process). */
  readonly connectString: string;
  /** Root znode of this cluster; several clusters can share one ZooKeeper under different roots. */
  readonly basePath: string;
  /** ZooKeeper session timeout; a server silent this long loses its announcements. */
  readonly sessionTimeoutMs: number;
}

export interface ServerIdentityConfig {
  /** Host name other servers use to reach this one; default "localhost". */
  readonly advertisedHost: string;
  /** Historical tier (Druid's druid.server.tier). */
  readonly tier: string;
}

export interface CoordinatorConfig {
  /** Pause between coordinator runs. */
  readonly periodMs: number;
  /** Segment replica loads issued per run at most. */
  readonly maxLoadsPerRun: number;
  /** Segments moved by balancing per run at most. */
  readonly maxSegmentsToMove: number;
  /** Loads waiting or running per historical at most; assignments past it wait for a later run. */
  readonly maxLoadQueueLength: number;
}

export interface BrokerConfig {
  /** Bytes of per-segment results the broker caches (useCache/populateCache); 0 disables the cache. */
  readonly cacheSizeBytes: number;
  /** Sub-query timeout towards a historical when the query sets none. */
  readonly subQueryTimeoutMs: number;
}

export interface SegmentCacheConfig {
  /** Local directory where a historical keeps the segment files it serves. */
  readonly dir: string;
  /** Loading a segment that would take the cache past this size fails with resource_limit. */
  readonly maxSizeBytes: number;
  /**
   * Memory for decoded columns of the served segments (all of them together); past it the least
   * recently used columns are dropped and decoded again on next use. Default: a quarter of the RAM.
   */
  readonly decodedColumnBytes: number;
}

export interface QueryLimitsConfig {
  /** Queries running at once; the next one is refused with HTTP 429. */
  readonly maxConcurrentQueries: number;
  /** Timeout for queries whose context sets none. */
  readonly defaultTimeoutMs: number;
  /** groupBy fails with resource_limit past this many groups. */
  readonly maxGroups: number;
}

export interface QuickstartConfig {
  /** Whether `start` generates and loads the sample datasource when it is absent. */
  readonly sampleDataSource: boolean;
  /** Rows in the generated sample datasource. */
  readonly sampleRows: number;
}

export interface SedimentConfig {
  /** Root of everything the process writes unless a more specific path is configured. */
  readonly dataDir: string;
  /** HTTP port of the query API and console. */
  readonly port: number;
  /** Interface the HTTP server binds to. */
  readonly host: string;
  readonly metadata: SqliteMetadataConfig;
  readonly deepStorage: LocalDeepStorageConfig;
  readonly segmentCache: SegmentCacheConfig;
  readonly query: QueryLimitsConfig;
  readonly quickstart: QuickstartConfig;
  /** Roles `sediment start` runs; empty means the all-in-one quickstart. */
  readonly roles: readonly ServerRoleName[];
  readonly zookeeper: ZookeeperConfig;
  readonly server: ServerIdentityConfig;
  readonly coordinator: CoordinatorConfig;
  readonly broker: BrokerConfig;
}

/** A partial configuration layer: any key, at any depth, may be omitted. */
export type SedimentConfigLayer = {
  [Key in keyof SedimentConfig]?: SedimentConfig[Key] extends object ? Partial<SedimentConfig[Key]> : SedimentConfig[Key];
};

const gibibyte = 1024 ** 3;

const fixedDefaults = {
  dataDir: './var',
  port: 8888,
  host: '0.0.0.0',
  segmentCache: { maxSizeBytes: 10 * gibibyte, decodedColumnBytes: Math.floor(totalmem() / 4) },
  query: { maxConcurrentQueries: 8, defaultTimeoutMs: 300_000, maxGroups: 500_000 },
  quickstart: { sampleDataSource: true, sampleRows: 1_000_000 },
  zookeeper: { connectString: '', basePath: '/sediment', sessionTimeoutMs: 30_000 },
  server: { advertisedHost: 'localhost', tier: '_default_tier' },
  coordinator: { periodMs: 5_000, maxLoadsPerRun: 1_000, maxSegmentsToMove: 5, maxLoadQueueLength: 100 },
  broker: { cacheSizeBytes: 64 * 1024 * 1024, subQueryTimeoutMs: 300_000 },
} as const;

/**
 * Load the configuration: defaults < `file` (JSON) < `env` (SEDIMENT_DATA_DIR, SEDIMENT_PORT,
 * SEDIMENT_HOST, SEDIMENT_ROLES, SEDIMENT_ZOOKEEPER, SEDIMENT_POSTGRES_URL, SEDIMENT_TIER) <
 * `overrides`. Throws invalid_input naming the offending key.
 */
export function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: SedimentConfigLayer;
}): SedimentConfig {
  const layers: SedimentConfigLayer[] = [];
  if (options.file !== undefined) layers.push(readConfigFile(options.file));
  layers.push(environmentLayer(options.env ?? {}));
  if (options.overrides !== undefined) {
    checkKnownKeys(options.overrides as Record<string, unknown>);
    layers.push(options.overrides);
  }
  const merged = mergeLayers(layers);
  const config = withDefaults(merged);
  validateConfig(config);
  return config;
}

function readConfigFile(file: string): SedimentConfigLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SedimentError('not_found', `config file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidInput('', `config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw invalidInput('', `config file ${file} must hold a JSON object`);
  checkKnownKeys(parsed);
  return parsed as SedimentConfigLayer;
}

function environmentLayer(env: NodeJS.ProcessEnv): SedimentConfigLayer {
  const layer: Record<string, unknown> = {};
  const text = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const roles = text('SEDIMENT_ROLES');
  if (roles !== undefined) layer['roles'] = roles.split(',').map((role) => role.trim()).filter((role) => role !== '');
  const zookeeper = text('SEDIMENT_ZOOKEEPER');
  if (zookeeper !== undefined) layer['zookeeper'] = { connectString: zookeeper };
  const postgres = text('SEDIMENT_POSTGRES_URL');
  if (postgres !== undefined) layer['metadata'] = { type: 'postgres', connectionString: postgres };
  const tier = text('SEDIMENT_TIER');
  if (tier !== undefined) layer['server'] = { tier };
  return { ...(layer as SedimentConfigLayer), ...basicEnvironmentLayer(env) };
}

function basicEnvironmentLayer(env: NodeJS.ProcessEnv): SedimentConfigLayer {
  const layer: { dataDir?: string; port?: number; host?: string } = {};
  if (env['SEDIMENT_DATA_DIR'] !== undefined && env['SEDIMENT_DATA_DIR'] !== '') layer.dataDir = env['SEDIMENT_DATA_DIR'];
  if (env['SEDIMENT_HOST'] !== undefined && env['SEDIMENT_HOST'] !== '') layer.host = env['SEDIMENT_HOST'];
  const port = env['SEDIMENT_PORT'];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port)) throw invalidInput('SEDIMENT_PORT', `must be a port number, got ${JSON.stringify(port)}`);
    layer.port = Number(port);
  }
  return layer;
}

/** Deep-merge plain objects; later layers win; `undefined` values do not override. */
function mergeLayers(layers: readonly SedimentConfigLayer[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(merged, layer as Record<string, unknown>);
  return merged;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) mergeInto(existing, value);
    else target[key] = isPlainObject(value) ? { ...value } : value;
  }
}

function withDefaults(merged: Record<string, unknown>): SedimentConfig {
  const dataDir = (merged['dataDir'] ?? fixedDefaults.dataDir) as string;
  const section = (name: string): Record<string, unknown> => {
    const value = merged[name];
    if (value === undefined) return {};
    if (!isPlainObject(value)) throw invalidInput(name, 'must be an object');
    return value;
  };
  return {
    dataDir,
    port: (merged['port'] ?? fixedDefaults.port) as number,
    host: (merged['host'] ?? fixedDefaults.host) as string,
    metadata: { type: 'sqlite', path: join(String(dataDir), 'metadata.sqlite'), ...section('metadata') } as SqliteMetadataConfig,
    deepStorage: { type: 'local', dir: join(String(dataDir), 'deep-storage'), ...section('deepStorage') } as LocalDeepStorageConfig,
    segmentCache: {
      dir: join(String(dataDir), 'segment-cache'),
      ...fixedDefaults.segmentCache,
      ...section('segmentCache'),
    } as SegmentCacheConfig,
    query: { ...fixedDefaults.query, ...section('query') } as QueryLimitsConfig,
    quickstart: { ...fixedDefaults.quickstart, ...section('quickstart') } as QuickstartConfig,
    roles: (merged['roles'] ?? []) as ServerRoleName[],
    zookeeper: { ...fixedDefaults.zookeeper, ...section('zookeeper') } as ZookeeperConfig,
    server: { ...fixedDefaults.server, ...section('server') } as ServerIdentityConfig,
    coordinator: { ...fixedDefaults.coordinator, ...section('coordinator') } as CoordinatorConfig,
    broker: { ...fixedDefaults.broker, ...section('broker') } as BrokerConfig,
  };
}

const knownKeys: Record<string, readonly string[] | null> = {
  dataDir: null,
  port: null,
  host: null,
  metadata: ['type', 'path', 'connectionString'],
  deepStorage: ['type', 'dir', 'bucket', 'prefix', 'endpoint', 'region', 'forcePathStyle', 'accessKeyId', 'secretAccessKey', 'checksumsWhenRequired'],
  segmentCache: ['dir', 'maxSizeBytes', 'decodedColumnBytes'],
  query: ['maxConcurrentQueries', 'defaultTimeoutMs', 'maxGroups'],
  quickstart: ['sampleDataSource', 'sampleRows'],
  roles: null,
  zookeeper: ['connectString', 'basePath', 'sessionTimeoutMs'],
  server: ['advertisedHost', 'tier'],
  coordinator: ['periodMs', 'maxLoadsPerRun', 'maxSegmentsToMove', 'maxLoadQueueLength'],
  broker: ['cacheSizeBytes', 'subQueryTimeoutMs'],
};

/** Reject misspelt keys: a typo silently ignored is a setting silently not applied. */
function checkKnownKeys(layer: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(knownKeys, key)) throw invalidInput(key, `unknown configuration key; known keys: ${Object.keys(knownKeys).join(', ')}`);
    const nested = knownKeys[key];
    if (nested === null || nested === undefined) continue;
    if (!isPlainObject(value)) throw invalidInput(key, 'must be an object');
    for (const inner of Object.keys(value)) {
      if (!nested.includes(inner)) throw invalidInput(`${key}.${inner}`, `unknown configuration key; known keys: ${nested.join(', ')}`);
    }
  }
}

function validateConfig(config: SedimentConfig): void {
  requireNonEmptyString('dataDir', config.dataDir);
  requireNonEmptyString('host', config.host);
  requireInteger('port', config.port, 0, 65_535);
  validateMetadata(config.metadata);
  validateDeepStorage(config.deepStorage);
  validateClusterSections(config);
  requireNonEmptyString('segmentCache.dir', config.segmentCache.dir);
  requireInteger('segmentCache.maxSizeBytes', config.segmentCache.maxSizeBytes, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('segmentCache.decodedColumnBytes', config.segmentCache.decodedColumnBytes, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('query.maxConcurrentQueries', config.query.maxConcurrentQueries, 1, 1_000_000);
  requireInteger('query.defaultTimeoutMs', config.query.defaultTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('query.maxGroups', config.query.maxGroups, 1, Number.MAX_SAFE_INTEGER);
  if (typeof config.quickstart.sampleDataSource !== 'boolean') throw invalidInput('quickstart.sampleDataSource', 'must be true or false');
  requireInteger('quickstart.sampleRows', config.quickstart.sampleRows, 0, Number.MAX_SAFE_INTEGER);
}

function validateMetadata(metadata: SqliteMetadataConfig): void {
  if (metadata.type !== 'sqlite' && metadata.type !== 'postgres') {
    throw invalidInput('metadata.type', `unsupported metadata store type ${JSON.stringify(metadata.type)}; supported: "sqlite", "postgres"`);
  }
  requireNonEmptyString('metadata.path', metadata.path);
  if (metadata.type === 'postgres') requireNonEmptyString('metadata.connectionString', metadata.connectionString);
}

function validateDeepStorage(deepStorage: LocalDeepStorageConfig): void {
  if (deepStorage.type !== 'local' && deepStorage.type !== 's3') {
    throw invalidInput('deepStorage.type', `unsupported deep storage type ${JSON.stringify(deepStorage.type)}; supported: "local", "s3"`);
  }
  requireNonEmptyString('deepStorage.dir', deepStorage.dir);
  if (deepStorage.type === 's3') requireNonEmptyString('deepStorage.bucket', deepStorage.bucket);
  for (const key of ['prefix', 'endpoint', 'region', 'accessKeyId', 'secretAccessKey'] as const) {
    if (deepStorage[key] !== undefined && typeof deepStorage[key] !== 'string') throw invalidInput(`deepStorage.${key}`, 'must be a string');
  }
  if ((deepStorage.accessKeyId === undefined) !== (deepStorage.secretAccessKey === undefined)) {
    throw invalidInput('deepStorage.secretAccessKey', 'accessKeyId and secretAccessKey are set together or not at all');
  }
}

function validateClusterSections(config: SedimentConfig): void {
  if (!Array.isArray(config.roles)) throw invalidInput('roles', 'must be an array of role names');
  config.roles.forEach((role, index) => {
    if (!serverRoleNames.includes(role)) throw invalidInput(`roles[${index}]`, `unknown role ${JSON.stringify(role)}; roles: ${serverRoleNames.join(', ')}`);
  });
  if (typeof config.zookeeper.connectString !== 'string') throw invalidInput('zookeeper.connectString', 'must be a string ("" for in-process discovery)');
  if (!/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(config.zookeeper.basePath)) throw invalidInput('zookeeper.basePath', 'must be an absolute znode path such as /sediment');
  requireInteger('zookeeper.sessionTimeoutMs', config.zookeeper.sessionTimeoutMs, 1_000, 600_000);
  requireNonEmptyString('server.advertisedHost', config.server.advertisedHost);
  if (!/^[A-Za-z0-9._-]+$/.test(config.server.tier)) throw invalidInput('server.tier', 'must be a non-empty name of letters, digits, ".", "_" or "-"');
  requireInteger('coordinator.periodMs', config.coordinator.periodMs, 1, 3_600_000);
  requireInteger('coordinator.maxLoadsPerRun', config.coordinator.maxLoadsPerRun, 1, 1_000_000);
  requireInteger('coordinator.maxSegmentsToMove', config.coordinator.maxSegmentsToMove, 0, 1_000_000);
  requireInteger('coordinator.maxLoadQueueLength', config.coordinator.maxLoadQueueLength, 1, 1_000_000);
  requireInteger('broker.cacheSizeBytes', config.broker.cacheSizeBytes, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('broker.subQueryTimeoutMs', config.broker.subQueryTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
}

function requireNonEmptyString(key: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw invalidInput(key, 'must be a non-empty string');
}

function requireInteger(key: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidInput(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
