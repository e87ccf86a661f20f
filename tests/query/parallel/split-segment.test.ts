// One segment file cut into two pieces, one on a worker and one on the calling thread: the results
// must be the inline ones for every query type under random filters, and small queries stay inline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SedimentError } from '../../../cluster/errors.js';
import { parseQuery } from '../../../query/parse-query.js';
import { QueryPool } from '../../../query/parallel/query-pool.js';
import { runQueryParallel } from '../../../query/parallel/run-query-parallel.js';
import { runQuery } from '../../../query/run-query.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import { pick, randomSegments, randomSource } from '../query-types/random-data.js';
import { segmentDirectory, toSegmentFile } from './segment-files-fixture.js';

const pages = ['alpha', 'beta', 'gamma', 'Epsilon', 'nope', null];
const tags = ['x', 'y', 'z', 'w', null];
const countries = ['US', 'FR', 'JP', null];

/** A random Druid filter over the random-data columns, nested up to two levels. */
function randomFilter(random: () => number, depth = 0): object {
  const kinds = depth < 2 ? ['selector', 'in', 'bound', 'range', 'null', 'like', 'not', 'and', 'or'] : ['selector', 'in', 'bound', 'range', 'null'];
  switch (pick(random, kinds)) {
    case 'selector':
      return pick(random, [
        { type: 'selector', dimension: 'page', value: pick(random, pages) },
        { type: 'selector', dimension: 'tags', value: pick(random, tags) },
        { type: 'selector', dimension: 'country', value: pick(random, countries) },
      ]);
    case 'in':
      return { type: 'in', dimension: pick(random, ['page', 'tags']), values: [pick(random, pages), pick(random, tags)].filter((value) => value !== null) };
    case 'bound':
      return { type: 'bound', dimension: 'added', lower: String(Math.floor(random() * 150) - 50), ordering: 'numeric', lowerStrict: random() < 0.5 };
    case 'range':
      return { type: 'range', column: 'delta', matchValueType: 'DOUBLE', upper: Math.round(random() * 80) - 20, upperOpen: random() < 0.5 };
    case 'null':
      return { type: 'null', column: pick(random, ['added', 'country', 'tags']) };
    case 'like':
      return { type: 'like', dimension: 'page', pattern: pick(random, ['%a%', 'b%', '%e']) };
    case 'not':
      return { type: 'not', field: randomFilter(random, depth + 1) };
    default:
      return { type: pick(random, ['and', 'or']), fields: [randomFilter(random, depth + 1), randomFilter(random, depth + 1)] };
  }
}

/** Every row-splittable query type (and topN, which runs whole) with the filter. */
function queriesWith(filter: object, random: () => number): object[] {
  const base = { dataSource: 'wiki', intervals: ['2024-01-29/2024-01-30'], filter };
  return [
    {
      ...base,
      queryType: 'timeseries',
      granularity: pick(random, ['all', 'hour', 'fifteen_minute']),
      aggregations: [
        { type: 'count', name: 'rows' },
        { type: 'longSum', name: 'added', fieldName: 'added' },
        { type: 'doubleMax', name: 'top', fieldName: 'delta' },
        { type: 'longFirst', name: 'first', fieldName: 'added' },
      ],
    },
    {
      ...base,
      queryType: 'groupBy',
      granularity: pick(random, ['all', 'six_hour']),
      dimensions: pick(random, [['page'], ['page', 'tags'], ['country']]),
      aggregations: [
        { type: 'count', name: 'rows' },
        { type: 'filtered', filter: randomFilter(random, 1), aggregator: { type: 'longSum', name: 'some', fieldName: 'added' } },
        { type: 'cardinality', name: 'pages', fields: ['page'] },
      ],
    },
    { ...base, queryType: 'topN', granularity: 'all', dimension: 'tags', metric: 'rows', threshold: 3, aggregations: [{ type: 'count', name: 'rows' }] },
    { ...base, queryType: 'search', granularity: 'all', query: { type: 'insensitive_contains', value: pick(random, ['a', 'e', 'x']) } },
  ];
}

/** Counts the tasks a pool is handed. */
function countTasks(pool: QueryPool): { readonly count: number } {
  const counter = { count: 0 };
  const run = pool.run.bind(pool);
  pool.run = (group, task) => {
    counter.count++;
    return run(group, task);
  };
  return counter;
}

describe('one segment on a worker and the calling thread', () => {
  const directory = segmentDirectory();
  const pool = new QueryPool({ workerCount: 1 });
  let memory: SegmentSlice[] = [];
  let files: SegmentSlice[] = [];

  before(async () => {
    // Workers are handed tasks only once loaded; these tests are about what they do with them.
    await Promise.all([pool.ready()]);
    const [{ slice }] = randomSegments(randomSource(77), 1, 4_000, false);
    memory = [slice!];
    files = [{ segment: await toSegmentFile(slice!.segment, join(directory, 'one.sdm')), intervals: slice!.intervals }];
  });
  after(async () => {
    await pool.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('gives the inline results for every query type under random filters', async () => {
    const random = randomSource(2024);
    const tasks = countTasks(pool);
    let split = 0;
    for (let round = 0; round < 25; round++) {
      const filter = randomFilter(random);
      for (const json of queriesWith(filter, random)) {
        const query = parseQuery(json);
        const before = tasks.count;
        const parallel = await runQueryParallel(query, json, files, pool, { minRowsPerPiece: 100, rowsPerGroupToCut: 0 });
        assert.deepEqual(parallel, runQuery(query, memory), JSON.stringify(json));
        if (tasks.count > before) split++;
      }
    }
    // Most filters keep well over 200 rows, so most queries went to the worker (topN never does).
    assert.ok(split >= 40, `${split} queries ran on two threads`);
  });

  it('runs a query inline when its filter keeps too few rows, and on both threads when not', async () => {
    const tasks = countTasks(pool);
    const base = { dataSource: 'wiki', intervals: ['2024-01-29/2024-01-30'], queryType: 'timeseries', granularity: 'all', aggregations: [{ type: 'count', name: 'rows' }] };
    const narrow = { ...base, filter: { type: 'bound', dimension: 'added', lower: '145', ordering: 'numeric' } };
    const [{ result }] = runQuery(parseQuery(narrow), memory) as [{ result: { rows: number } }];
    assert.ok(result.rows > 0 && result.rows < 200, `${result.rows} rows`);
    assert.deepEqual(await runQueryParallel(parseQuery(narrow), narrow, files, pool, { minRowsPerPiece: 100 }), runQuery(parseQuery(narrow), memory));
    assert.equal(tasks.count, 0);
    assert.deepEqual(await runQueryParallel(parseQuery(base), base, files, pool, { minRowsPerPiece: 100 }), runQuery(parseQuery(base), memory));
    assert.equal(tasks.count, 1);
  });

  it('raises the error the inline path raises, whichever thread hits it', async () => {
    const json = {
      dataSource: 'wiki',
      intervals: ['2024-01-29/2024-01-30'],
      queryType: 'groupBy',
      granularity: 'hour',
      dimensions: ['page', 'tags'],
      aggregations: [{ type: 'count', name: 'rows' }],
      context: { maxResults: 5 },
    };
    const query = parseQuery(json);
    assert.throws(() => runQuery(query, memory), (error: unknown) => error instanceof SedimentError && error.code === 'resource_limit');
    let inlineMessage = '';
    try {
      runQuery(query, memory);
    } catch (error) {
      inlineMessage = (error as Error).message;
    }
    await assert.rejects(runQueryParallel(query, json, files, pool, { minRowsPerPiece: 100, rowsPerGroupToCut: 0 }), (error: unknown) => {
      assert.ok(error instanceof SedimentError);
      assert.equal(error.code, 'resource_limit');
      assert.equal(error.message, inlineMessage);
      return true;
    });
  });
});

describe('an idle pool', () => {
  it('does not keep the process alive, warmed or not', () => {
    const poolModule = new URL(import.meta.url.endsWith('.ts') ? '../../../query/parallel/query-pool.ts' : '../../../query/parallel/query-pool.js', import.meta.url).href;
    const script = `const { QueryPool } = await import(${JSON.stringify(poolModule)}); new QueryPool({ workerCount: 2 }).warm(); console.log('warmed');`;
    const flags = import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const result = spawnSync(process.execPath, [...flags, '--input-type=module', '--eval', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.stdout.trim(), 'warmed', result.stderr);
    // A process held open by its workers would be killed at the timeout instead (signal SIGTERM, status null).
    assert.equal(result.signal, null, 'the process did not exit by itself');
    assert.equal(result.status, 0, result.stderr);
  });
});
