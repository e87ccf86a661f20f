import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuery } from '../../../query/parse-query.js';
import { columnsReadBy } from '../../../query/parallel/query-columns.js';
import { sharedColumnOf, sharedTimeOf, type SharedColumn } from '../../../query/parallel/shared-columns.js';
import { SharedColumnsSegment } from '../../../query/parallel/shared-columns-segment.js';
import { dictionaryOf, shareDictionary } from '../../../query/parallel/shared-dictionary.js';
import { SegmentUnavailableError, WorkerSegmentCache } from '../../../query/parallel/worker-segment-cache.js';
import type { Column } from '../../../segment-format/columns.js';
import { openSegment, type SegmentFile } from '../../../segment-format/segment-reader.js';
import { randomSegments, randomSource } from '../query-types/random-data.js';
import { segmentDirectory, toSegmentFile } from './segment-files-fixture.js';

function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** The column's contents as plain arrays, bitmaps included, for comparing two reads of one column. */
function contents(column: Column, rowCount: number): unknown {
  switch (column.kind) {
    case 'string': {
      const bitmaps = column.dictionary.map((_value, id) => column.bitmap(id).toArray());
      const offsets = column.multiValue ? [...column.offsets] : null;
      return { dictionary: [...column.dictionary], ids: [...column.ids], offsets, bitmaps, rowCount };
    }
    case 'long':
    case 'float':
    case 'double':
      return { kind: column.kind, values: [...column.values], nulls: column.nulls?.toArray() ?? null };
    case 'hyperUnique':
      return column.values.map((value) => [...value]);
  }
}

describe('shared dictionaries', () => {
  it('round-trip through shared memory, null first, empty and non-ASCII values included', () => {
    for (const dictionary of [[], [null], [null, '', 'a', 'é', '日本', '😀 x'], ['', 'b', 'ü'.repeat(300)]]) {
      const shared = shareDictionary(dictionary);
      assert.ok(isShared(shared.offsets) && isShared(shared.bytes));
      assert.deepEqual(dictionaryOf(shared), dictionary);
    }
  });
});

describe('shared columns', () => {
  const directory = segmentDirectory();
  let main: SegmentFile;
  let workerFile: SegmentFile;

  before(async () => {
    const [{ slice }] = randomSegments(randomSource(41), 1, 900, false);
    main = await toSegmentFile(slice!.segment, join(directory, 'shared.sdm'));
    workerFile = await openSegment(main.path);
  });
  after(() => {
    main.close();
    workerFile.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('are the reader’s own shared arrays, made once per column', () => {
    assert.ok(isShared(main.time()));
    assert.equal(sharedTimeOf(main.time()), main.time());
    for (const name of main.columnNames()) {
      const column = main.column(name)!;
      const shared = sharedColumnOf(column)!;
      assert.equal(sharedColumnOf(column), shared, name);
      if (shared.kind === 'string') {
        assert.ok(column.kind === 'string');
        assert.equal(shared.ids, column.ids, `${name}: ids are not copied`);
        assert.ok(isShared(shared.ids), name);
        if (shared.multiValue) assert.ok(isShared(shared.offsets), name);
      } else {
        assert.ok(column.kind !== 'string' && column.kind !== 'hyperUnique');
        assert.equal(shared.values, column.values, `${name}: values are not copied`);
        assert.ok(isShared(shared.values), name);
      }
    }
  });

  it('read on a worker as the reader reads them, bitmaps and nulls included', () => {
    const segment = new SharedColumnsSegment(workerFile, 1);
    const shared: [string, SharedColumn][] = main.columnNames().map((name) => [name, sharedColumnOf(main.column(name)!)!]);
    segment.adopt(sharedTimeOf(main.time()), shared);
    assert.equal(segment.time(), main.time());
    assert.deepEqual(segment.columnNames(), main.columnNames());
    for (const name of main.columnNames()) {
      assert.equal(segment.columnType(name), main.columnType(name));
      assert.equal(segment.isMultiValue(name), main.isMultiValue(name));
      assert.deepEqual(contents(segment.column(name)!, segment.rowCount), contents(main.column(name)!, main.rowCount), name);
    }
    assert.equal(segment.column('absent'), undefined);
  });

  it('stay on a worker for one opening of the file only', async () => {
    const cache = new WorkerSegmentCache(4);
    const reference = { path: main.path, id: main.id, sizeBytes: main.sizeBytes, opening: 1 };
    const first = await cache.open(reference);
    assert.equal(await cache.open(reference), first);
    // The main thread opened the file again: the worker lets go of the first opening's columns.
    const second = await cache.open({ ...reference, opening: 2 });
    assert.notEqual(second, first);
    assert.throws(() => first.file.readSection(first.file.metadata.time, '__time'), /closed/);
    await assert.rejects(cache.open({ ...reference, id: 'wiki_other', opening: 3 }), SegmentUnavailableError);
  });
});

describe('columnsReadBy', () => {
  const [{ slice }] = randomSegments(randomSource(5), 1, 50, false);
  const segment = slice!.segment;
  const base = { dataSource: 'wiki', intervals: ['2024-01-29/2024-01-30'] };

  it('finds the columns a query names, in any field, and leaves the top-level filter out on request', () => {
    const json = {
      ...base,
      queryType: 'groupBy',
      granularity: 'all',
      dimensions: [{ type: 'default', dimension: 'page', outputName: 'country' }],
      filter: { type: 'selector', dimension: 'tags', value: 'added' },
      aggregations: [
        { type: 'filtered', filter: { type: 'bound', dimension: 'country', lower: 'A' }, aggregator: { type: 'count', name: 'rows' } },
        { type: 'doubleSum', name: 'sum', fieldName: 'delta' },
      ],
    };
    const query = parseQuery(json);
    // 'country' is named as an output and as a filtered aggregator's column; 'added' only as a filter value.
    assert.deepEqual(columnsReadBy(query, json, segment, false).sort(), ['added', 'country', 'delta', 'page', 'tags']);
    assert.deepEqual(columnsReadBy(query, json, segment, true).sort(), ['country', 'delta', 'page']);
  });

  it('reads every string column for a search without searchDimensions', () => {
    const json = { ...base, queryType: 'search', granularity: 'all', query: { type: 'contains', value: 'a' } };
    assert.deepEqual(columnsReadBy(parseQuery(json), json, segment, false).sort(), ['country', 'page', 'tags']);
  });
});
