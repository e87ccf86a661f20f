// Where a segment's file lives in deep storage. Keys group a datasource's segments by time chunk
// and version, like Druid's layout, so an operator can find and prune them by hand.
import type { SegmentInfo } from '../segment-format/segment-metadata.js';

/** `{dataSource}/{start}_{end}/{version}/{partition}/segment.sdm`, every part filesystem-safe. */
export function deepStorageKeyOf(info: Pick<SegmentInfo, 'dataSource' | 'interval' | 'version' | 'partition'>): string {
  const start = compactTimestamp(info.interval.startMs);
  const end = compactTimestamp(info.interval.endMs);
  return `${safeName(info.dataSource)}/${safeName(`${start}_${end}`)}/${safeName(info.version)}/${info.partition}/segment.sdm`;
}

/** ISO-8601 basic format (no ':' or '-' separators): 2024-01-02T03:04:05.000Z → 20240102T030405.000Z. */
function compactTimestamp(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/(\d)-(?=\d)/g, '$1').replaceAll(':', '');
}

/**
 * Percent-encode every character outside [A-Za-z0-9._-] (so ':' in versions, '/' or spaces in
 * datasource names cannot break the path), and encode leading dots so no part is '.' or '..'.
 * The encoding is injective, so distinct names never share a key.
 */
function safeName(name: string): string {
  const encoded = encodeURIComponent(name).replace(/[!'()*~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return encoded.replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
}
