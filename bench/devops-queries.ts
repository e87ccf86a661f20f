// The devops suite: the Time Series Benchmark Suite's cpu-only queries, as Druid native JSON for
// Sediment and SQL for DuckDB. Hosts and time windows are drawn from a seeded PRNG, like TSBS's
// query generator, and clipped to the dataset when it is shorter than a window.
import { isoInterval, noCacheContext, sqlStringList, sqlTimestamp, type BenchQuery } from './bench-query.js';
import { scanColumns, type Dataset } from './dataset.js';
import { devopsHostname, devopsMetrics } from './generate-devops.js';
import { SeededRandom } from './seeded-random.js';

const minuteMs = 60_000;
const hourMs = 3_600_000;

interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

/** An hour-aligned window of `hours` inside the dataset (the whole dataset when it is shorter). */
function randomWindow(random: SeededRandom, dataset: Dataset, hours: number): Window {
  const datasetHours = Math.max(1, Math.floor((dataset.endMs - dataset.startMs) / hourMs));
  const startHour = random.nextInt(Math.max(1, datasetHours - hours + 1));
  const startMs = dataset.startMs + startHour * hourMs;
  return { startMs, endMs: Math.min(dataset.endMs, startMs + hours * hourMs) };
}

/** `count` distinct hosts (all of them when there are fewer). */
function randomHosts(random: SeededRandom, hostCount: number, count: number): string[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, hostCount)) chosen.add(random.nextInt(hostCount));
  return [...chosen].sort((left, right) => left - right).map(devopsHostname);
}

function hostFilter(hosts: readonly string[]): Record<string, unknown> {
  return hosts.length === 1 ? { type: 'selector', dimension: 'hostname', value: hosts[0] } : { type: 'in', dimension: 'hostname', values: hosts };
}

function sqlWindow(window: Window): string {
  return `__time >= ${sqlTimestamp(window.startMs)} AND __time < ${sqlTimestamp(window.endMs)}`;
}

/** TSBS single-groupby-M-H-1 and cpu-max-all-H: max of metrics for hosts over a window, by minute or hour. */
function maxByTime(dataset: Dataset, name: string, description: string, metrics: readonly string[], hosts: readonly string[], window: Window, bucket: 'minute' | 'hour'): BenchQuery {
  return {
    name,
    description,
    native: {
      queryType: 'timeseries',
      dataSource: dataset.name,
      intervals: [isoInterval(window.startMs, window.endMs)],
      granularity: bucket,
      filter: hostFilter(hosts),
      aggregations: metrics.map((metric) => ({ type: 'longMax', name: `max_${metric}`, fieldName: metric })),
      context: { ...noCacheContext, skipEmptyBuckets: true },
    },
    sql: [
      `SELECT epoch_ms(time_bucket(INTERVAL '1 ${bucket}', __time)) AS __time, ${metrics.map((metric) => `max(${metric}) AS max_${metric}`).join(', ')}`,
      `FROM ${dataset.name} WHERE hostname IN (${sqlStringList(hosts)}) AND ${sqlWindow(window)} GROUP BY 1 ORDER BY 1`,
    ].join(' '),
    columns: ['__time', ...metrics.map((metric) => `max_${metric}`)],
    comparison: { kind: 'ordered' },
  };
}

/** TSBS double-groupby-N: mean of N metrics per host per hour over 12 hours. */
function meanByHostAndHour(dataset: Dataset, name: string, metrics: readonly string[], window: Window): BenchQuery {
  return {
    name,
    description: `mean of ${metrics.length} metric(s) per host per hour over 12 hours`,
    native: {
      queryType: 'groupBy',
      dataSource: dataset.name,
      intervals: [isoInterval(window.startMs, window.endMs)],
      granularity: 'hour',
      dimensions: ['hostname'],
      aggregations: [{ type: 'count', name: 'row_count' }, ...metrics.map((metric) => ({ type: 'longSum', name: `sum_${metric}`, fieldName: metric }))],
      postAggregations: metrics.map((metric) => ({
        type: 'arithmetic',
        name: `mean_${metric}`,
        fn: 'quotient',
        fields: [
          { type: 'fieldAccess', fieldName: `sum_${metric}` },
          { type: 'fieldAccess', fieldName: 'row_count' },
        ],
      })),
      context: noCacheContext,
    },
    sql: [
      `SELECT epoch_ms(time_bucket(INTERVAL '1 hour', __time)) AS __time, hostname, ${metrics.map((metric) => `avg(${metric}) AS mean_${metric}`).join(', ')}`,
      `FROM ${dataset.name} WHERE ${sqlWindow(window)} GROUP BY 1, 2 ORDER BY 1, 2`,
    ].join(' '),
    columns: ['__time', 'hostname', ...metrics.map((metric) => `mean_${metric}`)],
    comparison: { kind: 'unordered', keys: ['__time', 'hostname'] },
  };
}

/** TSBS high-cpu-*: every reading with usage_user > 90 over 12 hours, for one host or all. */
function highCpu(dataset: Dataset, name: string, hosts: readonly string[] | null, window: Window): BenchQuery {
  const threshold = { type: 'range', column: 'usage_user', matchValueType: 'LONG', lower: 90, lowerOpen: true };
  const columns = scanColumns(dataset);
  return {
    name,
    description: `all readings with usage_user > 90 over 12 hours, ${hosts === null ? 'all hosts' : '1 host'}`,
    native: {
      queryType: 'scan',
      dataSource: dataset.name,
      intervals: [isoInterval(window.startMs, window.endMs)],
      filter: hosts === null ? threshold : { type: 'and', fields: [hostFilter(hosts), threshold] },
      columns,
      resultFormat: 'compactedList',
      context: noCacheContext,
    },
    sql: [
      `SELECT epoch_ms(__time) AS __time, ${columns.slice(1).join(', ')} FROM ${dataset.name}`,
      `WHERE usage_user > 90 AND ${hosts === null ? '' : `hostname IN (${sqlStringList(hosts)}) AND `}${sqlWindow(window)}`,
    ].join(' '),
    columns,
    comparison: { kind: 'unordered', keys: ['hostname', '__time'] },
  };
}

/** TSBS lastpoint: each host's latest reading. */
function lastpoint(dataset: Dataset): BenchQuery {
  return {
    name: 'lastpoint',
    description: 'the last reading of every host',
    native: {
      queryType: 'groupBy',
      dataSource: dataset.name,
      intervals: [isoInterval(dataset.startMs, dataset.endMs)],
      granularity: 'all',
      dimensions: ['hostname'],
      aggregations: [
        { type: 'longMax', name: 'last_time', fieldName: '__time' },
        ...devopsMetrics.map((metric) => ({ type: 'longLast', name: metric, fieldName: metric })),
      ],
      context: noCacheContext,
    },
    sql: `SELECT hostname, epoch_ms(max(__time)) AS last_time, ${devopsMetrics.map((metric) => `arg_max(${metric}, __time) AS ${metric}`).join(', ')} FROM ${dataset.name} GROUP BY hostname`,
    columns: ['hostname', 'last_time', ...devopsMetrics],
    comparison: { kind: 'unordered', keys: ['hostname'] },
  };
}

/** TSBS groupby-orderby-limit: the last 5 per-minute maxima of usage_user before a random instant. */
function groupByOrderByLimit(dataset: Dataset, random: SeededRandom): BenchQuery {
  const span = dataset.endMs - dataset.startMs;
  const endMs = dataset.startMs + 10 * minuteMs + random.nextInt(Math.max(1, span - 10 * minuteMs));
  return {
    name: 'groupby-orderby-limit',
    description: 'the last 5 per-minute maxima of usage_user before a random instant',
    native: {
      queryType: 'timeseries',
      dataSource: dataset.name,
      intervals: [isoInterval(0, endMs)],
      granularity: 'minute',
      descending: true,
      limit: 5,
      aggregations: [{ type: 'longMax', name: 'max_usage_user', fieldName: 'usage_user' }],
      context: { ...noCacheContext, skipEmptyBuckets: true },
    },
    sql: `SELECT epoch_ms(time_bucket(INTERVAL '1 minute', __time)) AS __time, max(usage_user) AS max_usage_user FROM ${dataset.name} WHERE __time < ${sqlTimestamp(endMs)} GROUP BY 1 ORDER BY 1 DESC LIMIT 5`,
    columns: ['__time', 'max_usage_user'],
    comparison: { kind: 'ordered' },
  };
}

export function devopsQueries(dataset: Dataset, hostCount: number, seed: number): BenchQuery[] {
  const random = new SeededRandom(seed ^ 0x5eed);
  const firstFive = devopsMetrics.slice(0, 5);
  return [
    maxByTime(dataset, 'single-groupby-1-1-1', 'max of 1 metric for 1 host over 1 hour, by minute', ['usage_user'], randomHosts(random, hostCount, 1), randomWindow(random, dataset, 1), 'minute'),
    maxByTime(dataset, 'single-groupby-5-8-1', 'max of 5 metrics for 8 hosts over 1 hour, by minute', firstFive, randomHosts(random, hostCount, 8), randomWindow(random, dataset, 1), 'minute'),
    maxByTime(dataset, 'cpu-max-all-8', 'max of all 10 metrics for 8 hosts over 8 hours, by hour', devopsMetrics, randomHosts(random, hostCount, 8), randomWindow(random, dataset, 8), 'hour'),
    meanByHostAndHour(dataset, 'double-groupby-1', ['usage_user'], randomWindow(random, dataset, 12)),
    meanByHostAndHour(dataset, 'double-groupby-all', devopsMetrics, randomWindow(random, dataset, 12)),
    highCpu(dataset, 'high-cpu-1', randomHosts(random, hostCount, 1), randomWindow(random, dataset, 12)),
    highCpu(dataset, 'high-cpu-all', null, randomWindow(random, dataset, 12)),
    lastpoint(dataset),
    groupByOrderByLimit(dataset, random),
  ];
}
