// Writes real segment files and publishes them to deep storage, for cache and coordinator tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { ColumnData } from '../../segment-format/columns.js';
import { numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { writeSegment } from '../../segment-format/segment-writer.js';
import { segmentRecord } from '../cluster/segment-record-fixture.js';

/** A segment of `rowCount` rows spread over its interval, pushed to `deepStorage` under its key. */
export async function pushSegment(
  deepStorage: DeepStorage,
  options: Parameters<typeof segmentRecord>[0],
): Promise<SegmentRecord> {
  const draft = segmentRecord(options);
  const rowCount = draft.info.rowCount;
  const { startMs, endMs } = draft.interval;
  const time = Float64Array.from({ length: rowCount }, (_, row) => startMs + Math.floor(((endMs - startMs) * row) / rowCount));
  const columns = new Map<string, ColumnData>([
    ['page', stringColumn(Array.from({ length: rowCount }, (_, row) => `page-${row % 3}`))],
    ['added', numericColumn('long', Array.from({ length: rowCount }, (_, row) => row))],
  ]);
  const path = join(mkdtempSync(join(tmpdir(), 'sediment-segment-')), 'segment.sdm');
  const { sizeBytes } = await writeSegment(path, draft.info, time, columns);
  await deepStorage.push(path, draft.deepStorageKey);
  return { ...draft, sizeBytes };
}
