// The events suite: the seven questions of the issue (the distinct count in its exact and its
// approximate form), each as Druid native JSON for Sediment and as SQL for DuckDB.
import { isoInterval, noCacheContext, sqlStringList, sqlTimestamp, type BenchQuery } from './bench-query.js';
import { scanColumns, type Dataset } from './dataset.js';
import { eventsDimensionValue } from './generate-events.js';

const hourMs = 3_600_000;

export function eventsQueries(dataset: Dataset): BenchQuery[] {
  const table = dataset.name;
  const base = { dataSource: table, intervals: [isoInterval(dataset.startMs, dataset.endMs)], context: noCacheContext };
  const windowStartMs = dataset.startMs + 13 * hourMs;
  const windowValues = Array.from({ length: 50 }, (_, index) => eventsDimensionValue(index * 20));
  return [
    {
      name: 'filtered-count',
      description: 'count of rows with one value of the 100-value dimension',
      native: { queryType: 'timeseries', ...base, granularity: 'all', filter: { type: 'selector', dimension: 'd100', value: 'v42' }, aggregations: [{ type: 'count', name: 'row_count' }] },
      sql: `SELECT count(*) AS row_count FROM ${table} WHERE d100 = 'v42'`,
      columns: ['row_count'],
      comparison: { kind: 'ordered' },
    },
    {
      name: 'timeseries-hourly-sum',
      description: 'hourly sums of m1 and m2 and row count over the day',
      native: {
        queryType: 'timeseries',
        ...base,
        granularity: 'hour',
        aggregations: [
          { type: 'longSum', name: 'sum_m1', fieldName: 'm1' },
          { type: 'doubleSum', name: 'sum_m2', fieldName: 'm2' },
          { type: 'count', name: 'row_count' },
        ],
        context: { ...noCacheContext, skipEmptyBuckets: true },
      },
      sql: `SELECT epoch_ms(time_bucket(INTERVAL '1 hour', __time)) AS __time, sum(m1) AS sum_m1, sum(m2) AS sum_m2, count(*) AS row_count FROM ${table} GROUP BY 1 ORDER BY 1`,
      columns: ['__time', 'sum_m1', 'sum_m2', 'row_count'],
      comparison: { kind: 'ordered' },
    },
    {
      name: 'topn-filtered',
      description: 'top 10 values of the 10,000-value dimension by sum of m1, where d10 = v3',
      native: {
        queryType: 'topN',
        ...base,
        granularity: 'all',
        dimension: 'd10000',
        metric: 'sum_m1',
        threshold: 10,
        filter: { type: 'selector', dimension: 'd10', value: 'v3' },
        aggregations: [{ type: 'longSum', name: 'sum_m1', fieldName: 'm1' }],
      },
      sql: `SELECT d10000, sum(m1) AS sum_m1 FROM ${table} WHERE d10 = 'v3' GROUP BY d10000 ORDER BY sum_m1 DESC, d10000 LIMIT 10`,
      columns: ['d10000', 'sum_m1'],
      comparison: { kind: 'top', sortColumn: 'sum_m1' },
    },
    {
      name: 'groupby-two-dimensions',
      description: 'count and sum of m3 by d10 × d100 (1,000 groups)',
      native: {
        queryType: 'groupBy',
        ...base,
        granularity: 'all',
        dimensions: ['d10', 'd100'],
        aggregations: [
          { type: 'count', name: 'row_count' },
          { type: 'longSum', name: 'sum_m3', fieldName: 'm3' },
        ],
      },
      sql: `SELECT d10, d100, count(*) AS row_count, sum(m3) AS sum_m3 FROM ${table} GROUP BY d10, d100`,
      columns: ['d10', 'd100', 'row_count', 'sum_m3'],
      comparison: { kind: 'unordered', keys: ['d10', 'd100'] },
    },
    {
      name: 'distinct-count-exact',
      description: 'exact distinct count of the 100,000-value dimension (native: a count over a groupBy query datasource, as Druid SQL plans COUNT(DISTINCT))',
      native: {
        queryType: 'timeseries',
        ...base,
        dataSource: { type: 'query', query: { queryType: 'groupBy', ...base, granularity: 'all', dimensions: ['d100000'], aggregations: [] } },
        granularity: 'all',
        aggregations: [{ type: 'count', name: 'distinct_values' }],
      },
      sql: `SELECT count(DISTINCT d100000) AS distinct_values FROM ${table}`,
      columns: ['distinct_values'],
      comparison: { kind: 'ordered' },
    },
    {
      name: 'distinct-count-approximate',
      description: 'approximate distinct count of the 100,000-value dimension (HyperLogLog on both sides; checked against the exact count)',
      native: {
        queryType: 'timeseries',
        ...base,
        granularity: 'all',
        aggregations: [{ type: 'cardinality', name: 'distinct_values', fields: ['d100000'], round: true }],
      },
      sql: `SELECT approx_count_distinct(d100000) AS distinct_values FROM ${table}`,
      referenceSql: `SELECT count(DISTINCT d100000) AS distinct_values FROM ${table}`,
      columns: ['distinct_values'],
      comparison: { kind: 'approximate', relativeTolerance: 0.05 },
    },
    {
      name: 'minute-window-filtered',
      description: 'one hour at minute granularity, where d1000 is one of 50 values: count and sum of m2',
      native: {
        queryType: 'timeseries',
        ...base,
        intervals: [isoInterval(windowStartMs, windowStartMs + hourMs)],
        granularity: 'minute',
        filter: { type: 'in', dimension: 'd1000', values: windowValues },
        aggregations: [
          { type: 'count', name: 'row_count' },
          { type: 'doubleSum', name: 'sum_m2', fieldName: 'm2' },
        ],
        context: { ...noCacheContext, skipEmptyBuckets: true },
      },
      sql: [
        `SELECT epoch_ms(time_bucket(INTERVAL '1 minute', __time)) AS __time, count(*) AS row_count, sum(m2) AS sum_m2 FROM ${table}`,
        `WHERE __time >= ${sqlTimestamp(windowStartMs)} AND __time < ${sqlTimestamp(windowStartMs + hourMs)} AND d1000 IN (${sqlStringList(windowValues)})`,
        'GROUP BY 1 ORDER BY 1',
      ].join(' '),
      columns: ['__time', 'row_count', 'sum_m2'],
      comparison: { kind: 'ordered' },
    },
    {
      name: 'scan-limit',
      description: 'the first 10 rows in time order, every column',
      native: {
        queryType: 'scan',
        ...base,
        columns: scanColumns(dataset),
        order: 'ascending',
        limit: 10,
        resultFormat: 'compactedList',
      },
      sql: `SELECT epoch_ms(__time) AS __time, ${scanColumns(dataset).slice(1).join(', ')} FROM ${table} ORDER BY __time LIMIT 10`,
      columns: scanColumns(dataset),
      comparison: { kind: 'top', sortColumn: '__time' },
    },
  ];
}
