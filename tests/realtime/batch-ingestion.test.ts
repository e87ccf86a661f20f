import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError } from '../../cluster/errors.js';
import { runBatchIngestion } from '../../realtime/batch-ingestion.js';
import { parseIndexTaskSpec } from '../../realtime/index-task-spec.js';
import { ingest, jsonLines, readAllRows, readSegmentRows, taskJson, temporaryDirectory, type Row } from './ingestion-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base = Date.UTC(2024, 4, 1);

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

interface RandomRow extends Row {
  ts: number;
  country: string | null;
  device: string;
  tags: string[] | string | null;
  bucket: number | null;
  added: number | null;
  price: number | null;
  user: string;
}

function randomRows(count: number, seed: number): RandomRow[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  return Array.from({ length: count }, () => ({
    ts: base + Math.floor(next() * 3 * DAY),
    country: pick(['FR', 'US', 'JP', null]),
    device: pick(['phone', 'desktop']),
    tags: pick([['b', 'a'], ['a'], 'c', null, ['c', 'a', 'c']]),
    bucket: pick([1, 2, null]),
    added: next() < 0.1 ? null : Math.floor(next() * 1000) - 200,
    price: next() < 0.1 ? null : Math.round(next() * 10000) / 100,
    user: `user-${Math.floor(next() * 400)}`,
  }));
}

const metricsSpec = [
  { type: 'count', name: 'count' },
  { type: 'longSum', name: 'added', fieldName: 'added' },
  { type: 'longMin', name: 'minAdded', fieldName: 'added' },
  { type: 'longMax', name: 'maxAdded', fieldName: 'added' },
  { type: 'doubleSum', name: 'price', fieldName: 'price' },
  { type: 'doubleMax', name: 'maxPrice', fieldName: 'price' },
  { type: 'hyperUnique', name: 'users', fieldName: 'user' },
];

const dimensionsSpec = {
  dimensions: ['country', 'device', { type: 'string', name: 'tags', multiValueHandling: 'SORTED_SET' }, { type: 'long', name: 'bucket' }],
};

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === null || left === undefined) return -1;
  if (right === null || right === undefined) return 1;
  if (Array.isArray(left) || Array.isArray(right)) {
    const l = Array.isArray(left) ? left : [left];
    const r = Array.isArray(right) ? right : [right];
    for (let index = 0; index < Math.min(l.length, r.length); index++) {
      const order = compareValues(l[index], r[index]);
      if (order !== 0) return order;
    }
    return l.length - r.length;
  }
  return (left as number | string) < (right as number | string) ? -1 : 1;
}

/** Straightforward reference rollup: group by (hour, dims) in a Map, then sort. */
function referenceRollup(rows: readonly RandomRow[]): Row[] {
  const groups = new Map<string, { row: Row; users: Set<string>; adds: number[]; prices: number[]; count: number }>();
  for (const input of rows) {
    const tags = Array.isArray(input.tags) ? [...new Set(input.tags)].sort() : input.tags;
    const tagValue = Array.isArray(tags) && tags.length === 1 ? tags[0]! : tags;
    const key = { __time: Math.floor(input.ts / HOUR) * HOUR, country: input.country, device: input.device, tags: tagValue, bucket: input.bucket };
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { row: key, users: new Set(), adds: [], prices: [], count: 0 }));
    group.count++;
    group.users.add(input.user);
    if (input.added !== null) group.adds.push(input.added);
    if (input.price !== null) group.prices.push(input.price);
  }
  const result = [...groups.values()].map(({ row, users, adds, prices, count }) => ({
    ...row,
    count,
    added: adds.length === 0 ? null : adds.reduce((a, b) => a + b, 0),
    minAdded: adds.length === 0 ? null : Math.min(...adds),
    maxAdded: adds.length === 0 ? null : Math.max(...adds),
    price: prices.length === 0 ? null : prices.reduce((a, b) => a + b, 0),
    maxPrice: prices.length === 0 ? null : Math.max(...prices),
    users: users.size,
  }));
  return sortRows(result);
}

function sortRows(rows: Row[]): Row[] {
  const keys = ['__time', 'country', 'device', 'tags', 'bucket'];
  return rows.sort((left, right) => {
    for (const key of keys) {
      const order = compareValues(left[key], right[key]);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function assertRollupMatches(actual: Row[], expected: Row[]): void {
  assert.equal(actual.length, expected.length);
  for (let index = 0; index < expected.length; index++) {
    const got = actual[index]!;
    const want = expected[index]!;
    for (const key of ['__time', 'country', 'device', 'tags', 'bucket', 'count', 'added', 'minAdded', 'maxAdded', 'maxPrice']) {
      assert.deepEqual(got[key], want[key], `row ${index} ${key}`);
    }
    if (want['price'] === null) assert.equal(got['price'], null);
    else assert.ok(Math.abs((got['price'] as number) - (want['price'] as number)) < 1e-6, `row ${index} price`);
    // Sketches are exact below 256 distinct values; allow HLL error anyway.
    const users = want['users'] as number;
    assert.ok(Math.abs((got['users'] as number) - users) <= Math.max(1, users * 0.05), `row ${index} users ${got['users']} vs ${users}`);
  }
}

async function rollupRun(t: Parameters<typeof ingest>[0], rows: readonly Row[], maxRowsInMemory: number, queryGranularity = 'hour') {
  return ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    dimensionsSpec,
    metricsSpec,
    granularitySpec: { segmentGranularity: 'day', queryGranularity, rollup: true },
    tuningConfig: { maxRowsInMemory },
  });
}

test('rollup matches a reference on random rows, with and without spilling', async (t) => {
  const rows = randomRows(3000, 7);
  const expected = referenceRollup(rows);
  const unspilled = await rollupRun(t, rows, 1_000_000);
  const spilled = await rollupRun(t, rows, 100);
  const unspilledRows = await readAllRows(unspilled);
  assertRollupMatches(unspilledRows, expected);
  // Spilling only changes the order doubles are summed in: everything else is identical.
  const spilledRows = await readAllRows(spilled);
  assertRollupMatches(spilledRows, unspilledRows);
  assert.deepEqual(spilledRows.map((row) => ({ ...row, price: null })), unspilledRows.map((row) => ({ ...row, price: null })));
  assert.equal(unspilled.rowStats.processed, 3000);
  assert.deepEqual(
    unspilled.segments.map((segment) => segment.info.interval.startMs),
    [base, base + DAY, base + 2 * DAY],
  );
  // Spill files are gone; only the final segments remain.
  assert.deepEqual((await readdir(spilled.workDir)).sort(), spilled.segments.map((segment) => segment.path.split('/').pop()).sort());
});

test('a file much larger than maxRowsInMemory ingests (many spills) and still rolls up fully', async (t) => {
  const rows = randomRows(20_000, 99);
  const dir = await temporaryDirectory(t);
  const file = join(dir, 'big.json');
  await writeFile(file, jsonLines(rows));
  const result = await ingest(t, {
    inputSource: { type: 'local', files: [file] },
    inputFormat: { type: 'json' },
    dimensionsSpec,
    metricsSpec,
    granularitySpec: { segmentGranularity: 'day', queryGranularity: 'day', rollup: true },
    tuningConfig: { maxRowsInMemory: 1000 },
  });
  const expectedByDay = referenceRollup(rows.map((row) => ({ ...row, ts: Math.floor(row.ts / DAY) * DAY })));
  assertRollupMatches(await readAllRows(result), expectedByDay);
  const total = (await readAllRows(result)).reduce((sum, row) => sum + (row['count'] as number), 0);
  assert.equal(total, 20_000);
});

test('segments are sorted by time then dimensions in schema order', async (t) => {
  const rows = randomRows(500, 3);
  const result = await rollupRun(t, rows, 37);
  for (const segment of result.segments) {
    const segmentRows = await readSegmentRows(segment.path);
    assert.deepEqual(segmentRows, sortRows([...segmentRows]));
    for (const row of segmentRows) {
      assert.ok((row['__time'] as number) >= segment.info.interval.startMs && (row['__time'] as number) < segment.info.interval.endMs);
    }
  }
});

test('rollup off keeps every row, with raw metric values', async (t) => {
  const rows = [
    { ts: base, page: 'a', added: 5 },
    { ts: base, page: 'a', added: 5 },
    { ts: base + 1, page: 'a', added: null },
  ];
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: ['page'] },
    metricsSpec: [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'added', fieldName: 'added' }],
    granularitySpec: { rollup: false },
    tuningConfig: { maxRowsInMemory: 2 },
  });
  assert.deepEqual(await readAllRows(result), [
    { __time: base, page: 'a', count: 1, added: 5 },
    { __time: base, page: 'a', count: 1, added: 5 },
    { __time: base + 1, page: 'a', count: 1, added: null },
  ]);
  assert.equal(result.segments[0]!.info.rollup, false);
});

test('partitions by segment granularity and maxRowsPerSegment, numbering from partitionStart', async (t) => {
  const rows = Array.from({ length: 25 }, (_, index) => ({ ts: base + (index < 22 ? index * 1000 : DAY + index), v: `v${String(index).padStart(2, '0')}` }));
  const result = await ingest(
    t,
    {
      inputSource: { type: 'inline', data: jsonLines(rows) },
      inputFormat: { type: 'json' },
      dimensionsSpec: { dimensions: ['v'] },
      tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 10 } },
    },
    { partitionStart: (interval) => (interval.startMs === base ? 3 : 0) },
  );
  assert.deepEqual(
    result.segments.map((segment) => [segment.info.interval.startMs, segment.info.interval.endMs, segment.info.partition, segment.info.rowCount]),
    [
      [base, base + DAY, 3, 10],
      [base, base + DAY, 4, 10],
      [base, base + DAY, 5, 2],
      [base + DAY, base + 2 * DAY, 0, 3],
    ],
  );
  for (const segment of result.segments) {
    assert.equal(segment.info.version, '2024-01-01T00:00:00.000Z');
    assert.equal(segment.info.dataSource, 'test');
    assert.deepEqual(segment.info.dimensions, ['v']);
    assert.deepEqual(segment.info.metrics, [{ name: 'count', aggregator: { type: 'count', name: 'count' } }]);
    assert.equal(segment.info.queryGranularity, 'none');
    assert.ok(segment.sizeBytes > 0);
  }
  assert.deepEqual((await readAllRows(result)).map((row) => row['v']), rows.map((row) => row.v));
});

test('rows outside granularitySpec.intervals are thrown away', async (t) => {
  const rows = [{ ts: base - 1 }, { ts: base }, { ts: base + DAY - 1 }, { ts: base + DAY }];
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    granularitySpec: { intervals: ['2024-05-01/2024-05-02'] },
  });
  assert.deepEqual(result.rowStats, { processed: 2, processedBytes: Buffer.byteLength(jsonLines(rows)), processedWithError: 0, unparseable: 0, thrownAway: 2 });
  assert.deepEqual((await readAllRows(result)).map((row) => row['__time']), [base, base + DAY - 1]);
});

test('transforms overwrite fields and __time, add fields, and the filter sees transformed rows', async (t) => {
  const rows = [
    { ts: '2024-05-01T10:00:00Z', page: 'home', n: 2 },
    { ts: '2024-05-01T11:00:00Z', page: 'about', n: 3 },
    { ts: '2024-05-01T12:00:00Z', page: 'skip-me', n: 4 },
  ];
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: ['page', 'label', { type: 'long', name: 'double_n' }] },
    transformSpec: {
      transforms: [
        { type: 'expression', name: 'page', expression: 'upper(page)' },
        { type: 'expression', name: 'label', expression: "concat(page, '-', n)" },
        { type: 'expression', name: 'double_n', expression: 'n * 2' },
        { type: 'expression', name: '__time', expression: "timestamp_floor(__time, 'P1D') + n" },
      ],
      filter: { type: 'not', field: { type: 'selector', dimension: 'page', value: 'SKIP-ME' } },
    },
  });
  assert.deepEqual(await readAllRows(result), [
    { __time: base + 2, page: 'HOME', label: 'home-2', double_n: 4, count: 1 },
    { __time: base + 3, page: 'ABOUT', label: 'about-3', double_n: 6, count: 1 },
  ]);
  assert.equal(result.rowStats.thrownAway, 1);
});

test('a __time transform that yields null makes the row unparseable', async (t) => {
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines([{ ts: base, when: 'garbage' }, { ts: base, when: '2024-05-02' }]) },
    inputFormat: { type: 'json' },
    transformSpec: { transforms: [{ type: 'expression', name: '__time', expression: 'timestamp_parse(when)' }] },
  });
  assert.equal(result.rowStats.unparseable, 1);
  assert.match(result.parseExceptions[0]!, /__time.*line 1/);
  assert.deepEqual((await readAllRows(result)).map((row) => row['__time']), [base + DAY]);
});

test('schema discovery: sorted string dimensions, excluding timestamp, metric inputs and exclusions', async (t) => {
  const rows = [
    { ts: base, zeta: 'z', alpha: 1, secret: 's', amount: 5 },
    { ts: base, beta: ['x', 'y'], alpha: 2 },
  ];
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: [], dimensionExclusions: ['secret'] },
    metricsSpec: [{ type: 'longSum', name: 'total', fieldName: 'amount' }],
    granularitySpec: { rollup: true },
    tuningConfig: { maxRowsInMemory: 1 },
  });
  assert.deepEqual(result.segments[0]!.info.dimensions, ['alpha', 'beta', 'zeta']);
  assert.deepEqual(await readAllRows(result), [
    { __time: base, alpha: '1', beta: null, zeta: 'z', total: 5 },
    { __time: base, alpha: '2', beta: ['x', 'y'], zeta: null, total: null },
  ]);
});

test('typed numeric dimensions; unreadable values are nulls counted as processedWithError', async (t) => {
  const rows = [
    { ts: base, l: '12.9', f: 1.5, d: '2.25', m: 3 },
    { ts: base + 1, l: 'oops', f: null, d: 1e300, m: 'x' },
  ];
  const result = await ingest(t, {
    inputSource: { type: 'inline', data: jsonLines(rows) },
    inputFormat: { type: 'json' },
    dimensionsSpec: { dimensions: [{ type: 'long', name: 'l' }, { type: 'float', name: 'f' }, { type: 'double', name: 'd' }] },
    metricsSpec: [{ type: 'doubleSum', name: 'm', fieldName: 'm' }],
  });
  assert.deepEqual(await readAllRows(result), [
    { __time: base, l: 12, f: 1.5, d: 2.25, m: 3 },
    { __time: base + 1, l: null, f: null, d: 1e300, m: null },
  ]);
  assert.equal(result.rowStats.processed, 1);
  assert.equal(result.rowStats.processedWithError, 1);
  assert.match(result.parseExceptions[0]!, /could not convert value \[oops\] to long for dimension \[l\] \(inline, line 2\)/);
});

test('unparseable rows are counted, and at least 10 messages are kept', async (t) => {
  const lines = [JSON.stringify({ ts: base })];
  for (let index = 0; index < 12; index++) lines.push(index % 2 === 0 ? 'not json' : JSON.stringify({ ts: 'never' }));
  const result = await ingest(t, { inputSource: { type: 'inline', data: lines.join('\n') }, inputFormat: { type: 'json' } });
  assert.equal(result.rowStats.unparseable, 12);
  assert.equal(result.rowStats.processed, 1);
  assert.equal(result.parseExceptions.length, 10);
  assert.match(result.parseExceptions[0]!, /^Unable to parse row \[not json\].*\(inline, line 2\)$/);
  assert.match(result.parseExceptions[1]!, /^Timestamp\[never\] is unparseable!.*\(inline, line 3\)$/);
});

test('exceeding maxParseExceptions fails the run and leaves no segment file behind', async (t) => {
  const rows = Array.from({ length: 300 }, (_, index) => (index % 50 === 49 ? { ts: 'bad' } : { ts: base + index * HOUR, v: index }));
  const workDir = await temporaryDirectory(t);
  const spec = parseIndexTaskSpec({
    type: 'index',
    spec: {
      dataSchema: { dataSource: 'x', timestampSpec: { column: 'ts' }, granularitySpec: { segmentGranularity: 'hour' } },
      ioConfig: { type: 'index', inputSource: { type: 'inline', data: jsonLines(rows) }, inputFormat: { type: 'json' } },
      tuningConfig: { type: 'index', maxParseExceptions: 4, maxRowsInMemory: 20 },
    },
  });
  await assert.rejects(
    runBatchIngestion(spec, { workDir, version: 'v1' }),
    (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && /^spec\.tuningConfig\.maxParseExceptions: exceeded/.test(error.message),
  );
  assert.deepEqual(await readdir(workDir), []);
});

test('an aborted run throws its reason and leaves workDir empty (spills included)', async (t) => {
  // Multi-value rows do not fit the in-memory run store: these rounds spill to files.
  const rows = Array.from({ length: 30_000 }, (_, index) => ({ ts: base + index, v: index % 10, tags: ['x', String(index % 3)] }));
  const spec = parseIndexTaskSpec(taskJson({ inputSource: { type: 'inline', data: jsonLines(rows) }, inputFormat: { type: 'json' }, tuningConfig: { maxRowsInMemory: 5000 } }));
  const workDir = await temporaryDirectory(t);
  const controller = new AbortController();
  let filesAtAbort: string[] = [];
  await assert.rejects(
    runBatchIngestion(spec, {
      workDir,
      version: 'v1',
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.rowsProcessed >= 20_000 && !controller.signal.aborted) {
          filesAtAbort = readdirSync(workDir);
          controller.abort(new Error('stop now'));
        }
      },
    }),
    /stop now/,
  );
  assert.ok(filesAtAbort.length >= 3, `spills existed when aborting: ${filesAtAbort.join(', ')}`);
  assert.deepEqual(await readdir(workDir), []);
});

test('no input rows gives no segments', async (t) => {
  const result = await ingest(t, { inputSource: { type: 'inline', data: '' }, inputFormat: { type: 'json' } });
  assert.deepEqual(result.segments, []);
  assert.equal(result.rowStats.processed, 0);
});

test('numbers past the int64 range saturate in LONG columns, and times no date holds are unparseable', async (t) => {
  // Through the fast JSON path (a file read by the scanner) and the general path (inline records).
  const lines = [
    '{"ts":1714521600000,"page":"a","bucket":1e400,"added":1e400}',
    '{"ts":1714521600001,"page":"a","bucket":-1e19,"added":-1e400}',
    '{"ts":1714521600002,"page":"b","bucket":7,"added":9.9e18}',
    '{"ts":9999999999999999,"page":"c","bucket":1,"added":1}',
  ].join('\n');
  const dir = await temporaryDirectory(t);
  const file = join(dir, 'rows.json');
  await writeFile(file, `${lines}\n`);
  for (const inputSource of [{ type: 'local', files: [file] }, { type: 'inline', data: lines }]) {
    const result = await ingest(t, {
      inputSource,
      inputFormat: { type: 'json' },
      dimensionsSpec: { dimensions: ['page', { type: 'long', name: 'bucket' }] },
      metricsSpec: [{ type: 'longSum', name: 'added', fieldName: 'added' }, { type: 'longMax', name: 'maxAdded', fieldName: 'added' }],
      granularitySpec: { rollup: false },
    });
    assert.equal(result.rowStats.processed, 3, inputSource.type);
    assert.equal(result.rowStats.unparseable, 1, inputSource.type);
    assert.match(result.parseExceptions[0]!, /line 4/);
    const longMax = 9223372036854774784;
    assert.deepEqual(
      (await readAllRows(result)).map((row) => [row['bucket'], row['added'], row['maxAdded']]),
      [
        [longMax, longMax, longMax],
        [-9223372036854775808, -9223372036854775808, -9223372036854775808],
        [7, longMax, longMax],
      ],
      inputSource.type,
    );
  }
});

test('LONG sums that pass the int64 range while rolled-up runs merge saturate at each step, as within one run', async (t) => {
  // With maxRowsInMemory 1 each row is its own run, so the sums happen in the final merge: on columns,
  // and row by row when multi-value rows send the runs to files. Unspilled, they happen in the index.
  const rows = (tags: string | string[]) => [
    { ts: 1714521600000, page: 'a', added: 9e18, tags },
    { ts: 1714521600000, page: 'a', added: 9e18, tags },
    { ts: 1714521600000, page: 'a', added: -9e18, tags },
    { ts: 1714521600000, page: 'b', added: -9e18, tags },
    { ts: 1714521600000, page: 'b', added: -9e18, tags },
    { ts: 1714521600000, page: 'c', added: 5, tags },
    { ts: 1714521600000, page: 'c', added: 6, tags },
  ];
  for (const [tags, label] of [
    ['x', 'columnar merge'],
    [['x', 'y'], 'row-by-row merge'],
  ] as const) {
    for (const maxRowsInMemory of [1, 1000]) {
      const result = await ingest(t, {
        inputSource: { type: 'inline', data: rows(tags as string | string[]).map((row) => JSON.stringify(row)).join('\n') },
        inputFormat: { type: 'json' },
        dimensionsSpec: { dimensions: ['page', 'tags'] },
        metricsSpec: [{ type: 'longSum', name: 'added', fieldName: 'added' }],
        granularitySpec: { rollup: true, queryGranularity: 'hour' },
        tuningConfig: { maxRowsInMemory },
      });
      assert.deepEqual(
        (await readAllRows(result)).map((row) => [row['page'], row['added']]),
        [
          // 9e18 + 9e18 saturates at the largest long below 2^63; then -9e18 is added to that.
          ['a', 9223372036854774784 - 9e18],
          ['b', -9223372036854775808],
          ['c', 11],
        ],
        `${label}, maxRowsInMemory ${maxRowsInMemory}`,
      );
    }
  }
});
