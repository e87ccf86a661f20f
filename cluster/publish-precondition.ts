// A conditional publish: the used segments overlapping an interval must be exactly the expected
// set when the publish commits, or nothing is written. Compaction publishes with it (Druid takes a
// time-chunk lock instead), so an append that lands while it runs is never silently overshadowed.
import { SedimentError } from './errors.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

export interface PublishPrecondition {
  readonly dataSource: string;
  readonly interval: TimeInterval;
  /** Ids of every used segment of the datasource overlapping the interval, as the publisher last saw them. */
  readonly usedSegmentIds: readonly string[];
}

/** Throws conflict unless `currentUsedIds` (read inside the publish transaction) equals the expected set. */
export function checkPublishPrecondition(precondition: PublishPrecondition, currentUsedIds: readonly string[]): void {
  const expected = new Set(precondition.usedSegmentIds);
  const current = new Set(currentUsedIds);
  const appeared = currentUsedIds.filter((id) => !expected.has(id));
  const vanished = precondition.usedSegmentIds.filter((id) => !current.has(id));
  if (appeared.length === 0 && vanished.length === 0) return;
  throw new SedimentError(
    'conflict',
    `publish to ${precondition.dataSource} ${intervalText(precondition.interval)} refused: its used segments changed ` +
      `(${appeared.length} appeared${appeared.length > 0 ? `, e.g. ${appeared[0]}` : ''}; ` +
      `${vanished.length} retired${vanished.length > 0 ? `, e.g. ${vanished[0]}` : ''}); nothing was published`,
  );
}

function intervalText(interval: TimeInterval): string {
  return `${new Date(interval.startMs).toISOString()}/${new Date(interval.endMs).toISOString()}`;
}
