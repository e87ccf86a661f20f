// The process configuration. Layers, lowest precedence first: built-in defaults, the JSON config
// file, environment variables, explicit overrides (CLI flags). Paths left unset are derived from
// `dataDir` after all layers are merged, so `--data-dir` alone moves everything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SedimentError, invalidInput } from './errors.js';

/** Where the metadata store lives. PostgreSQL joins this union when its store exists. */
export interface SqliteMetadataConfig {
  readonly type: 'sqlite';
  /** The database file; created (with its schema) on first open. */
  readonly path: string;
}

/** Where deep storage lives. S3 joins this union when its store exists. */
export interface LocalDeepStorageConfig {
  readonly type: 'local';
  /** Root directory; segment keys are paths below it. */
  readonly dir: string;
}

export interface SegmentCacheConfig {
  /** Local directory where a historical keeps the segment files it serves. */
  readonly dir: string;
  /** Loading a segment that would take the cache past this size fails with resource_limit. */
  readonly maxSizeBytes: number;
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
  segmentCache: { maxSizeBytes: 10 * gibibyte },
  query: { maxConcurrentQueries: 8, defaultTimeoutMs: 300_000, maxGroups: 500_000 },
  quickstart: { sampleDataSource: true, sampleRows: 1_000_000 },
} as const;

/**
 * Load the configuration: defaults < `file` (JSON) < `env` (SEDIMENT_DATA_DIR, SEDIMENT_PORT,
 * SEDIMENT_HOST) < `overrides`. Throws invalid_input naming the offending key.
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
  };
}

const knownKeys: Record<string, readonly string[] | null> = {
  dataDir: null,
  port: null,
  host: null,
  metadata: ['type', 'path'],
  deepStorage: ['type', 'dir'],
  segmentCache: ['dir', 'maxSizeBytes'],
  query: ['maxConcurrentQueries', 'defaultTimeoutMs', 'maxGroups'],
  quickstart: ['sampleDataSource', 'sampleRows'],
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
  if (config.metadata.type !== 'sqlite') throw invalidInput('metadata.type', `unsupported metadata store type ${JSON.stringify(config.metadata.type)}; supported: "sqlite"`);
  requireNonEmptyString('metadata.path', config.metadata.path);
  if (config.deepStorage.type !== 'local') throw invalidInput('deepStorage.type', `unsupported deep storage type ${JSON.stringify(config.deepStorage.type)}; supported: "local"`);
  requireNonEmptyString('deepStorage.dir', config.deepStorage.dir);
  requireNonEmptyString('segmentCache.dir', config.segmentCache.dir);
  requireInteger('segmentCache.maxSizeBytes', config.segmentCache.maxSizeBytes, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('query.maxConcurrentQueries', config.query.maxConcurrentQueries, 1, 1_000_000);
  requireInteger('query.defaultTimeoutMs', config.query.defaultTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('query.maxGroups', config.query.maxGroups, 1, Number.MAX_SAFE_INTEGER);
  if (typeof config.quickstart.sampleDataSource !== 'boolean') throw invalidInput('quickstart.sampleDataSource', 'must be true or false');
  requireInteger('quickstart.sampleRows', config.quickstart.sampleRows, 0, Number.MAX_SAFE_INTEGER);
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
