// The query timeout, checked between segments and every ~64k rows inside long loops.
import { SedimentError } from '../../cluster/errors.js';

/** Rows processed between two deadline checks in a hot loop. */
export const ROWS_PER_DEADLINE_CHECK = 65_536;

export function checkDeadline(deadlineMs: number): void {
  if (Date.now() > deadlineMs) {
    throw new SedimentError('timeout', 'Query timeout: the query ran past its context timeout; raise context.timeout or narrow the query');
  }
}
