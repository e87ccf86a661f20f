// One error family for the whole system. Every error a user can cause carries a stable `code`,
// the HTTP status it maps to, and a message that says what to fix. Druid's error JSON field
// `error` is derived from the code so Druid clients recognise the category.

export type ErrorCode =
  | 'invalid_input' // a malformed query, spec or argument; the message names the field
  | 'not_found' // an unknown datasource, task, segment or path
  | 'conflict' // a state conflict: a publish whose preconditions no longer hold
  | 'timeout' // a query ran past its context.timeout
  | 'capacity_exceeded' // too many concurrent queries
  | 'resource_limit' // a bounded resource (groups, rows, bytes) would be exceeded
  | 'corrupt_segment' // a segment file failed verification
  | 'unsupported' // a valid Druid feature Sediment does not implement
  | 'internal'; // a bug: an impossible state

const httpStatusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  timeout: 504,
  capacity_exceeded: 429,
  resource_limit: 400,
  corrupt_segment: 500,
  unsupported: 400,
  internal: 500,
};

/** Druid's legacy query error names (the `error` field of its error JSON). */
const druidErrorByCode: Record<ErrorCode, string> = {
  invalid_input: 'Invalid query',
  not_found: 'Not found',
  conflict: 'Conflict',
  timeout: 'Query timeout',
  capacity_exceeded: 'Query capacity exceeded',
  resource_limit: 'Resource limit exceeded',
  corrupt_segment: 'Corrupt segment',
  unsupported: 'Unsupported operation',
  internal: 'Unknown exception',
};

export class SedimentError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SedimentError';
    this.code = code;
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }

  /** Druid's error response body. */
  toJson(): { error: string; errorMessage: string; errorClass: string; errorCode: ErrorCode; host: null } {
    return {
      error: druidErrorByCode[this.code],
      errorMessage: this.message,
      errorClass: `sediment.${this.code}`,
      errorCode: this.code,
      host: null,
    };
  }
}

/** Bad user input; `field` is the JSON path of the offending field, e.g. `filter.fields[1].dimension`. */
export function invalidInput(field: string, message: string): SedimentError {
  return new SedimentError('invalid_input', field ? `${field}: ${message}` : message);
}

/** An impossible state. Throw it where an invariant breaks; the message names the invariant. */
export function assert(condition: unknown, invariant: string): asserts condition {
  if (!condition) throw new SedimentError('internal', `assertion failed: ${invariant}`);
}
