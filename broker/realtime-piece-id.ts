// Realtime tasks announce each queryable piece of a segment they are building as
// `{final segment id}#realtime-{n}` (same interval, version and partition as the final segment).
// The broker needs the final id to treat the pieces and the handed-off segment as one partition.

const pieceMarker = '#realtime-';

/** The id of the segment a realtime piece becomes once published; null for any other segment id. */
export function finalSegmentIdOf(segmentId: string): string | null {
  const at = segmentId.lastIndexOf(pieceMarker);
  if (at <= 0 || at + pieceMarker.length === segmentId.length) return null;
  for (let index = at + pieceMarker.length; index < segmentId.length; index++) {
    const code = segmentId.charCodeAt(index);
    if (code < 48 || code > 57) return null;
  }
  return segmentId.slice(0, at);
}
