// The "devops" dataset: the Time Series Benchmark Suite's cpu-only use case, reimplemented. Each host
// has 10 fixed tags and reports 10 integer usage metrics every 10 s; each metric is a random walk
// clamped to [0, 100]. Rows are written in time order, hosts in order within a timestamp.
import type { Dataset, DatasetColumn } from './dataset.js';
import { cachedFile } from './dataset-cache.js';
import { NdjsonFileWriter } from './ndjson-file-writer.js';
import { SeededRandom } from './seeded-random.js';

/** Bump when the generated content changes, so stale cache files are not reused. */
const generatorVersion = 1;
const hourMs = 3_600_000;

export const devopsDefaultHosts = 1_000;
export const devopsDefaultHours = 24;
export const devopsIntervalMs = 10_000;
/** TSBS's default start. */
export const devopsStartMs = Date.UTC(2016, 0, 1);

export const devopsTags = [
  'hostname',
  'region',
  'datacenter',
  'rack',
  'os',
  'arch',
  'team',
  'service',
  'service_version',
  'service_environment',
] as const;

export const devopsMetrics = [
  'usage_user',
  'usage_system',
  'usage_idle',
  'usage_nice',
  'usage_iowait',
  'usage_irq',
  'usage_softirq',
  'usage_steal',
  'usage_guest',
  'usage_guest_nice',
] as const;

export interface DevopsParameters {
  readonly hosts: number;
  readonly hours: number;
  readonly seed: number;
}

export const devopsColumns: readonly DatasetColumn[] = [
  { name: 'timestamp', type: 'timestamp' },
  ...devopsTags.map((name): DatasetColumn => ({ name, type: 'string' })),
  ...devopsMetrics.map((name): DatasetColumn => ({ name, type: 'int' })),
];

const regions: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1e'],
  'us-west-1': ['us-west-1a', 'us-west-1b'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  'eu-central-1': ['eu-central-1a', 'eu-central-1b'],
  'ap-southeast-1': ['ap-southeast-1a', 'ap-southeast-1b'],
  'ap-southeast-2': ['ap-southeast-2a', 'ap-southeast-2b'],
  'ap-northeast-1': ['ap-northeast-1a', 'ap-northeast-1c'],
  'sa-east-1': ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'],
};
const operatingSystems = ['Ubuntu16.10', 'Ubuntu16.04LTS', 'Ubuntu15.10'];
const architectures = ['x64', 'x86'];
const teams = ['SF', 'NYC', 'LON', 'CHI'];
const environments = ['production', 'staging', 'test'];

/** The hostname of host number `index`. */
export function devopsHostname(index: number): string {
  return `host_${index}`;
}

/** The JSON fragment of one host's tags (without braces), fixed for the whole run. */
function hostTagsFragment(random: SeededRandom, index: number): string {
  const region = random.pick(Object.keys(regions));
  const tags: Record<(typeof devopsTags)[number], string> = {
    hostname: devopsHostname(index),
    region,
    datacenter: random.pick(regions[region] ?? []),
    rack: String(random.nextInt(100)),
    os: random.pick(operatingSystems),
    arch: random.pick(architectures),
    team: random.pick(teams),
    service: String(random.nextInt(20)),
    service_version: String(random.nextInt(2)),
    service_environment: random.pick(environments),
  };
  return devopsTags.map((tag) => `"${tag}":"${tags[tag]}"`).join(',');
}

/** Writes the devops file; returns its row count and size. */
export async function writeDevopsFile(path: string, parameters: DevopsParameters): Promise<{ rows: number; bytes: number }> {
  const random = new SeededRandom(parameters.seed);
  const tags = Array.from({ length: parameters.hosts }, (_, index) => hostTagsFragment(random, index));
  const metricCount = devopsMetrics.length;
  const usage = new Int32Array(parameters.hosts * metricCount);
  for (let index = 0; index < usage.length; index++) usage[index] = random.nextInt(101);
  const steps = Math.round((parameters.hours * hourMs) / devopsIntervalMs);
  const writer = await NdjsonFileWriter.create(path);
  try {
    for (let step = 0; step < steps; step++) {
      const timestampMs = devopsStartMs + step * devopsIntervalMs;
      for (let host = 0; host < parameters.hosts; host++) {
        if (writer.append(devopsLine(random, timestampMs, tags[host] as string, usage, host * metricCount))) await writer.flush();
      }
    }
    return { rows: steps * parameters.hosts, bytes: await writer.finish() };
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}

/** Advances the host's walks one step (each by -3 … +3, clamped to 0 … 100) and formats the row. */
function devopsLine(random: SeededRandom, timestampMs: number, tags: string, usage: Int32Array, offset: number): string {
  let line = `{"timestamp":${timestampMs},${tags}`;
  for (let metric = 0; metric < devopsMetrics.length; metric++) {
    const next = Math.min(100, Math.max(0, (usage[offset + metric] as number) + random.nextIntBetween(-3, 3)));
    usage[offset + metric] = next;
    line += `,"${devopsMetrics[metric]}":${next}`;
  }
  return line + '}';
}

/** The devops dataset at the given size, generated into `cacheDir` unless already there. */
export async function devopsDataset(cacheDir: string, parameters: DevopsParameters, log: (line: string) => void): Promise<Dataset> {
  const fileName = `devops-v${generatorVersion}-seed${parameters.seed}-hosts${parameters.hosts}-hours${parameters.hours}.json`;
  const file = await cachedFile(cacheDir, fileName, (path) => writeDevopsFile(path, parameters), log);
  return {
    name: 'cpu',
    file: file.path,
    fileBytes: file.bytes,
    rows: file.rows,
    startMs: devopsStartMs,
    endMs: devopsStartMs + parameters.hours * hourMs,
    columns: devopsColumns,
    segmentGranularity: 'day',
  };
}
