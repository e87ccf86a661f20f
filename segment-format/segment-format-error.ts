// The one error type of segment-format. It imports nothing of ours, so callers (historical, realtime)
// map these codes onto their own error family.

/**
 * corrupt_segment: the file's bytes are not a valid segment (bad magic, checksum mismatch, truncated,
 * undecodable section). A corrupt segment must never be served; drop it and fetch it again.
 * invalid_segment_input: the writer was handed data that breaks the column model's contract.
 */
export type SegmentFormatErrorCode = 'corrupt_segment' | 'invalid_segment_input';

export class SegmentFormatError extends Error {
  override readonly name = 'SegmentFormatError';

  constructor(
    /** Stable category callers branch on. */
    readonly code: SegmentFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function corruptSegment(message: string): SegmentFormatError {
  return new SegmentFormatError('corrupt_segment', message);
}

export function invalidSegmentInput(message: string): SegmentFormatError {
  return new SegmentFormatError('invalid_segment_input', message);
}
