// Errors crossing the worker boundary. Structured clone keeps an Error's message but not its class or
// `code`, so a worker sends this record and the pool rebuilds the error the inline path would throw:
// a SedimentError keeps its code (timeout, resource_limit, ...), a SegmentFormatError its category.
import { SedimentError, type ErrorCode } from '../../cluster/errors.js';
import { SegmentFormatError, type SegmentFormatErrorCode } from '../../segment-format/segment-format-error.js';

export type WorkerErrorRecord =
  | { readonly kind: 'sediment'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'segment-format'; readonly code: SegmentFormatErrorCode; readonly message: string }
  | { readonly kind: 'other'; readonly message: string; readonly stack: string | null };

export function errorToRecord(error: unknown): WorkerErrorRecord {
  if (error instanceof SedimentError) return { kind: 'sediment', code: error.code, message: error.message };
  if (error instanceof SegmentFormatError) return { kind: 'segment-format', code: error.code, message: error.message };
  if (error instanceof Error) return { kind: 'other', message: error.message, stack: error.stack ?? null };
  return { kind: 'other', message: String(error), stack: null };
}

export function errorFromRecord(record: WorkerErrorRecord): Error {
  switch (record.kind) {
    case 'sediment':
      return new SedimentError(record.code, record.message);
    case 'segment-format':
      return new SegmentFormatError(record.code, record.message);
    case 'other': {
      const error = new Error(record.message);
      if (record.stack !== null) error.stack = record.stack;
      return error;
    }
  }
}
