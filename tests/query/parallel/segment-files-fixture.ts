// Writes test segments to segment files and opens them, so the pool's workers can open them by path.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryableSegment } from '../../../query/queryable-segment.js';
import type { SegmentSlice } from '../../../query/segment-slice.js';
import type { ColumnData } from '../../../segment-format/columns.js';
import { openSegment, type SegmentFile } from '../../../segment-format/segment-reader.js';
import { writeSegment } from '../../../segment-format/segment-writer.js';

/** A fresh temporary directory for segment files. */
export function segmentDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'sediment-parallel-'));
}

/** Writes the segment's rows to `path` and opens the file. */
export async function toSegmentFile(segment: QueryableSegment, path: string): Promise<SegmentFile> {
  const columns = new Map<string, ColumnData>();
  for (const name of segment.columnNames()) columns.set(name, segment.column(name)!);
  await writeSegment(path, { ...segment.info, rowCount: segment.rowCount }, segment.time(), columns);
  return openSegment(path);
}

/** The same slices over file copies of their segments. */
export async function fileSlices(slices: readonly SegmentSlice[], directory: string): Promise<SegmentSlice[]> {
  return Promise.all(
    slices.map(async (slice, index) => ({ segment: await toSegmentFile(slice.segment, join(directory, `segment-${index}.sdm`)), intervals: slice.intervals })),
  );
}
