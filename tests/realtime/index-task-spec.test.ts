import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../cluster/errors.js';
import { parseIndexTaskSpec, MAX_ROWS_IN_MEMORY_DEFAULT, MAX_ROWS_PER_SEGMENT_DEFAULT } from '../../realtime/index-task-spec.js';
import { taskJson } from './ingestion-fixtures.js';

const minimal = {
  dataSchema: { dataSource: 'wiki', timestampSpec: { column: 'ts' } },
  ioConfig: { type: 'index', inputSource: { type: 'inline', data: '' }, inputFormat: { type: 'json' } },
};

test('defaults follow Druid', () => {
  const spec = parseIndexTaskSpec({ type: 'index', spec: minimal });
  assert.equal(spec.type, 'index');
  assert.equal(spec.dataSource, 'wiki');
  assert.equal(spec.appendToExisting, false);
  assert.equal(spec.intervals, null);
  assert.equal(spec.segmentGranularity.bucketStart(Date.UTC(2020, 0, 1, 13)), Date.UTC(2020, 0, 1));
  assert.equal(spec.queryGranularity.isNone, true);
  assert.equal(spec.rollup, true);
  assert.deepEqual(spec.dimensions, []);
  assert.equal(spec.dimensionsSpec.discovery, true);
  assert.deepEqual(spec.metrics, []);
  assert.equal(spec.maxRowsPerSegment, MAX_ROWS_PER_SEGMENT_DEFAULT);
  assert.equal(spec.maxRowsInMemory, MAX_ROWS_IN_MEMORY_DEFAULT);
  assert.equal(spec.maxParseExceptions, Number.MAX_SAFE_INTEGER);
  assert.equal(spec.maxSavedParseExceptions, 0);
  assert.equal(spec.timestampSpec.column, 'ts');
  assert.equal(spec.timestampSpec.format, 'auto');
});

test('the bare form defaults to index_parallel and keeps the original JSON', () => {
  const json = { ...minimal, ioConfig: { ...minimal.ioConfig, type: undefined } };
  const spec = parseIndexTaskSpec(json);
  assert.equal(spec.type, 'index_parallel');
  assert.equal(spec.json, json);
});

test('a full spec is parsed into typed fields', () => {
  const spec = parseIndexTaskSpec(
    taskJson({
      inputSource: { type: 'local', baseDir: '/data', filter: '*.json' },
      inputFormat: { type: 'csv', findColumnsFromHeader: true },
      dimensionsSpec: { dimensions: ['page', { type: 'long', name: 'delta' }, { name: 'tags', multiValueHandling: 'sorted_set' }], dimensionExclusions: ['x'] },
      metricsSpec: [{ type: 'count', name: 'count' }, { type: 'doubleSum', name: 'added', fieldName: 'added' }, { type: 'hyperUnique', name: 'users', fieldName: 'user' }],
      granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'minute', rollup: true, intervals: ['2020-01-02/2020-01-03', '2020-01-01/2020-01-02'] },
      transformSpec: { transforms: [{ type: 'expression', name: 'page', expression: 'upper(page)' }], filter: { type: 'selector', dimension: 'page', value: 'A' } },
      tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 100 }, maxRowsInMemory: 10, maxParseExceptions: 3, maxSavedParseExceptions: 5 },
    }),
  );
  assert.deepEqual(spec.dimensions, [
    { name: 'page', type: 'string', multiValueHandling: 'SORTED_ARRAY' },
    { name: 'delta', type: 'long', multiValueHandling: 'SORTED_ARRAY' },
    { name: 'tags', type: 'string', multiValueHandling: 'SORTED_SET' },
  ]);
  assert.deepEqual([...spec.dimensionsSpec.exclusions], ['x']);
  assert.deepEqual(spec.metrics.map((metric) => metric.json), [
    { type: 'count', name: 'count' },
    { type: 'doubleSum', name: 'added', fieldName: 'added' },
    { type: 'hyperUnique', name: 'users', fieldName: 'user' },
  ]);
  assert.deepEqual(spec.ingestionMetrics.map((metric) => [metric.fold, metric.storage, metric.fieldName]), [
    ['count', 'long', null],
    ['sum', 'double', 'added'],
    ['hyperUnique', 'hyperUnique', 'user'],
  ]);
  assert.deepEqual(spec.intervals, [{ startMs: Date.UTC(2020, 0, 1), endMs: Date.UTC(2020, 0, 3) }]);
  assert.equal(spec.queryGranularity.bucketStart(Date.UTC(2020, 0, 1, 1, 2, 3)), Date.UTC(2020, 0, 1, 1, 2));
  assert.equal(spec.transformSpec.transforms[0]!.name, 'page');
  assert.notEqual(spec.transformSpec.filter, null);
  assert.deepEqual([spec.maxRowsPerSegment, spec.maxRowsInMemory, spec.maxParseExceptions, spec.maxSavedParseExceptions], [100, 10, 3, 5]);
  assert.deepEqual(spec.inputSource, { type: 'local', baseDir: '/data', filter: '*.json', files: [] });
});

const invalid: [string, (json: ReturnType<typeof taskJson>) => void, RegExp][] = [
  ['dataSource missing', (json) => delete (json['spec'] as any).dataSchema.dataSource, /^spec\.dataSchema\.dataSource: /],
  ['dataSource with a slash', (json) => ((json['spec'] as any).dataSchema.dataSource = 'a/b'), /^spec\.dataSchema\.dataSource: /],
  ['timestamp column not a string', (json) => ((json['spec'] as any).dataSchema.timestampSpec = { column: 5 }), /^spec\.dataSchema\.timestampSpec\.column: /],
  ['dimension of unknown type', (json) => ((json['spec'] as any).dataSchema.dimensionsSpec = { dimensions: [{ name: 'a', type: 'blob' }] }), /^spec\.dataSchema\.dimensionsSpec\.dimensions\[0\]\.type: /],
  ['duplicate dimension', (json) => ((json['spec'] as any).dataSchema.dimensionsSpec = { dimensions: ['a', 'a'] }), /^spec\.dataSchema\.dimensionsSpec\.dimensions\[1\]: duplicate/],
  ['metric without fieldName', (json) => ((json['spec'] as any).dataSchema.metricsSpec = [{ type: 'longSum', name: 'x' }]), /^spec\.dataSchema\.metricsSpec\[0\]/],
  ['metric named like a dimension', (json) => {
    (json['spec'] as any).dataSchema.dimensionsSpec = { dimensions: ['x'] };
    (json['spec'] as any).dataSchema.metricsSpec = [{ type: 'count', name: 'x' }];
  }, /^spec\.dataSchema\.metricsSpec\[0\]\.name: /],
  ['bad segment granularity', (json) => ((json['spec'] as any).dataSchema.granularitySpec.segmentGranularity = 'fortnight'), /^spec\.dataSchema\.granularitySpec\.segmentGranularity/],
  ['bad interval', (json) => ((json['spec'] as any).dataSchema.granularitySpec.intervals = ['nope']), /^spec\.dataSchema\.granularitySpec\.intervals\[0\]/],
  ['bad transform expression', (json) => ((json['spec'] as any).dataSchema.transformSpec = { transforms: [{ type: 'expression', name: 'a', expression: '1 +' }] }), /^spec\.dataSchema\.transformSpec\.transforms\[0\]\.expression: /],
  ['bad transform filter', (json) => ((json['spec'] as any).dataSchema.transformSpec = { filter: { type: 'nope' } }), /^spec\.dataSchema\.transformSpec\.filter/],
  ['input source type unknown', (json) => ((json['spec'] as any).ioConfig.inputSource = { type: 'ftp' }), /^spec\.ioConfig\.inputSource\.type: /],
  ['inline data not a string', (json) => ((json['spec'] as any).ioConfig.inputSource = { type: 'inline', data: 5 }), /^spec\.ioConfig\.inputSource\.data: /],
  ['input format missing', (json) => delete (json['spec'] as any).ioConfig.inputFormat, /^spec\.ioConfig\.inputFormat: /],
  ['maxRowsInMemory zero', (json) => ((json['spec'] as any).tuningConfig.maxRowsInMemory = 0), /^spec\.tuningConfig\.maxRowsInMemory: /],
  ['maxParseExceptions negative', (json) => ((json['spec'] as any).tuningConfig.maxParseExceptions = -1), /^spec\.tuningConfig\.maxParseExceptions: /],
  ['unknown task type', (json) => (json['type'] = 'compact'), /^type: /],
];

for (const [name, mutate, pattern] of invalid) {
  test(`invalid spec: ${name}`, () => {
    const json = taskJson({ inputSource: { type: 'inline', data: '' }, inputFormat: { type: 'json' } });
    mutate(json);
    assert.throws(
      () => parseIndexTaskSpec(json),
      (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && pattern.test(error.message),
    );
  });
}

test('valid Druid features Sediment does not implement are unsupported, not invalid', () => {
  const hashed = taskJson({ inputSource: { type: 'inline', data: '' }, inputFormat: { type: 'json' }, tuningConfig: { partitionsSpec: { type: 'hashed' } } });
  assert.throws(() => parseIndexTaskSpec(hashed), (error: unknown) => error instanceof SedimentError && error.code === 'unsupported');
  const s3 = taskJson({ inputSource: { type: 's3', uris: [] }, inputFormat: { type: 'json' } });
  assert.throws(() => parseIndexTaskSpec(s3), (error: unknown) => error instanceof SedimentError && error.code === 'unsupported');
  const parquet = taskJson({ inputSource: { type: 'inline', data: '' }, inputFormat: { type: 'parquet' } });
  assert.throws(() => parseIndexTaskSpec(parquet), (error: unknown) => error instanceof SedimentError && error.code === 'unsupported');
});

test('not an object at all', () => {
  assert.throws(() => parseIndexTaskSpec('index'), /must be a JSON object/);
  assert.throws(() => parseIndexTaskSpec(null), /must be a JSON object/);
});
