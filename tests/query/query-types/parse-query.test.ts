import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../../cluster/errors.js';
import { parseQuery } from '../../../query/parse-query.js';

const intervals = ['2024-01-01/2024-01-02'];
const count = { type: 'count', name: 'rows' };
const timeseries = { queryType: 'timeseries', dataSource: 'wiki', intervals, granularity: 'day', aggregations: [count] };
const topN = { queryType: 'topN', dataSource: 'wiki', intervals, dimension: 'page', threshold: 3, metric: 'rows', aggregations: [count] };
const groupBy = { queryType: 'groupBy', dataSource: 'wiki', intervals, granularity: 'all', dimensions: ['page'], aggregations: [count] };

/** The query fails with the given error code and a message starting with the field path. */
function rejects(json: unknown, code: string, field: string): void {
  assert.throws(
    () => parseQuery(json),
    (error: unknown) => {
      assert.ok(error instanceof SedimentError, `expected a SedimentError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      assert.ok(error.message.startsWith(field), `message "${error.message}" should name ${field}`);
      return true;
    },
  );
}

describe('parseQuery', () => {
  it('parses each query type with Druid defaults', () => {
    const parsed = parseQuery(timeseries);
    assert.equal(parsed.queryType, 'timeseries');
    assert.equal(parsed.dataSource, 'wiki');
    assert.equal(parsed.context.timeoutMs, 300_000);
    assert.match(parsed.context.queryId, /^[0-9a-f-]{36}$/);
    assert.equal(parsed.context.priority, 0);
    assert.equal(parseQuery({ ...topN, dataSource: { type: 'table', name: 'edits' } }).dataSource, 'edits');
    const scan = parseQuery({ queryType: 'scan', dataSource: 'wiki', intervals });
    assert.ok(scan.queryType === 'scan' && scan.order === 'none' && scan.resultFormat === 'list' && scan.batchSize === 20480 && scan.limit === null);
    const search = parseQuery({ queryType: 'search', dataSource: 'wiki', intervals, query: { type: 'insensitive_contains', value: 'a' } });
    assert.ok(search.queryType === 'search' && search.limit === 1000 && search.sort === 'lexicographic');
    const metadata = parseQuery({ queryType: 'segmentMetadata', dataSource: 'wiki' });
    assert.ok(metadata.queryType === 'segmentMetadata' && [...metadata.analysisTypes].join() === 'cardinality,interval,minmax');
    assert.equal(metadata.intervals.length, 1);
    const context = parseQuery({ ...timeseries, context: { timeout: '1500', queryId: 'q1', skipEmptyBuckets: 'true', grandTotal: true, priority: 5 } }).context;
    assert.deepEqual([context.timeoutMs, context.queryId, context.skipEmptyBuckets, context.grandTotal, context.priority], [1500, 'q1', true, true, 5]);
  });

  it('names the offending field', () => {
    rejects('not an object', 'invalid_input', '');
    rejects({ dataSource: 'wiki' }, 'invalid_input', 'queryType');
    rejects({ ...timeseries, queryType: 'nope' }, 'invalid_input', 'queryType');
    rejects({ ...timeseries, dataSource: undefined }, 'invalid_input', 'dataSource');
    rejects({ ...timeseries, dataSource: { type: 'query', query: {} } }, 'invalid_input', 'dataSource.query.queryType');
    rejects({ ...timeseries, dataSource: { type: 'join', left: 'a', right: 'b' } }, 'unsupported', 'dataSource');
    rejects({ ...timeseries, intervals: undefined }, 'invalid_input', 'intervals');
    rejects({ ...timeseries, aggregations: [count, { type: 'longSum', name: 'x' }] }, 'invalid_input', 'aggregations[1]');
    rejects({ ...timeseries, aggregations: [count, count] }, 'invalid_input', 'aggregations[1].name');
    rejects({ ...timeseries, postAggregations: [{ type: 'fieldAccess', name: 'p', fieldName: 'nope' }] }, 'invalid_input', 'postAggregations[0]');
    rejects({ ...timeseries, granularity: 'fortnight' }, 'invalid_input', 'granularity');
    rejects({ ...timeseries, limit: -1 }, 'invalid_input', 'limit');
    rejects({ ...timeseries, context: { timeout: 'soon' } }, 'invalid_input', 'context.timeout');
    rejects({ ...timeseries, filter: { type: 'and', fields: [{ type: 'selector', value: 'x' }] } }, 'invalid_input', 'filter.fields[0]');
    rejects({ ...topN, dimension: undefined }, 'invalid_input', 'dimension');
    rejects({ ...topN, threshold: undefined }, 'invalid_input', 'threshold');
    rejects({ ...topN, threshold: 0 }, 'invalid_input', 'threshold');
    rejects({ ...topN, metric: 'nope' }, 'invalid_input', 'metric');
    rejects({ ...topN, metric: { type: 'inverted', metric: { type: 'numeric', metric: 'nope' } } }, 'invalid_input', 'metric.metric');
    rejects({ ...topN, metric: { type: 'dimension', ordering: 'backwards' } }, 'invalid_input', 'metric.ordering');
    rejects({ ...topN, dimension: { type: 'extraction', dimension: 'page' } }, 'unsupported', 'dimension.type');
    rejects({ ...groupBy, dimensions: ['page', 'page'] }, 'invalid_input', 'dimensions[1]');
    rejects({ ...groupBy, dimensions: ['page', { type: 'default', dimension: 'x', outputType: 'BLOB' }] }, 'invalid_input', 'dimensions[1].outputType');
    rejects({ ...groupBy, having: { type: 'greaterThan', aggregation: 'nope', value: 1 } }, 'invalid_input', 'having.aggregation');
    rejects({ ...groupBy, having: { type: 'and', havingSpecs: [{ type: 'always' }, { type: 'lessThan', aggregation: 'rows' }] } }, 'invalid_input', 'having.havingSpecs[1].value');
    rejects({ ...groupBy, limitSpec: { type: 'default', columns: [{ dimension: 'nope' }] } }, 'invalid_input', 'limitSpec.columns[0].dimension');
    rejects({ ...groupBy, limitSpec: { type: 'default', columns: [{ dimension: 'rows', direction: 'up' }] } }, 'invalid_input', 'limitSpec.columns[0].direction');
    rejects({ ...groupBy, limitSpec: { limit: 'ten' } }, 'invalid_input', 'limitSpec.limit');
    rejects({ ...groupBy, virtualColumns: [{ type: 'expression' }] }, 'unsupported', 'virtualColumns');
    rejects({ queryType: 'scan', dataSource: 'wiki', intervals, order: 'sideways' }, 'invalid_input', 'order');
    rejects({ queryType: 'scan', dataSource: 'wiki', intervals, columns: ['a', 3] }, 'invalid_input', 'columns[1]');
    rejects({ queryType: 'search', dataSource: 'wiki', intervals, query: { type: 'soundex', value: 'a' } }, 'invalid_input', 'query.type');
    rejects({ queryType: 'search', dataSource: 'wiki', intervals }, 'invalid_input', 'query');
    rejects({ queryType: 'search', dataSource: 'wiki', intervals, query: { type: 'regex', pattern: '(' } }, 'invalid_input', 'query.pattern');
    rejects({ queryType: 'timeBoundary', dataSource: 'wiki', bound: 'middle' }, 'invalid_input', 'bound');
    rejects({ queryType: 'segmentMetadata', dataSource: 'wiki', analysisTypes: ['size', 'colour'] }, 'invalid_input', 'analysisTypes[1]');
    rejects({ queryType: 'segmentMetadata', dataSource: 'wiki', toInclude: { type: 'some' } }, 'invalid_input', 'toInclude.type');
  });
});
