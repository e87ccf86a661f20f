// Sends sub-queries to historicals and realtime servers over HTTP (keep-alive connections via fetch;
// each role on its own path) and decodes the partial results. A transport failure or an error status
// throws; the caller decides on retries.
import type { ServerAnnouncement } from '../cluster/discovery.js';
import { SedimentError } from '../cluster/errors.js';
import { decodeWire } from '../query/partial-result-codec.js';
import type { PartialResult } from '../query/run-query.js';
import { subQueryBody, subQueryPathFor, type SubQueryRequest, type SubQueryResponse } from '../historical/sub-query.js';

export type SubQuerySender = (server: ServerAnnouncement, request: SubQueryRequest, timeoutMs: number) => Promise<SubQueryResponse<PartialResult>>;

/** The HTTP sub-query sender. Errors the server reports as user errors (bad query) keep their code. */
export const httpSubQuery: SubQuerySender = async (server, request, timeoutMs) => {
  const url = `http://${server.host}:${server.port}${subQueryPathFor(server.role)}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(subQueryBody(request)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) {
    const error = parseError(text);
    if (response.status < 500 && error !== null) throw new SedimentError(error.errorCode, error.errorMessage);
    throw new Error(`${server.id} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return decodeWire(text) as SubQueryResponse<PartialResult>;
};

function parseError(text: string): { errorCode: SedimentError['code']; errorMessage: string } | null {
  try {
    const json = JSON.parse(text) as { errorCode?: SedimentError['code']; errorMessage?: string };
    return typeof json.errorCode === 'string' && typeof json.errorMessage === 'string' ? { errorCode: json.errorCode, errorMessage: json.errorMessage } : null;
  } catch {
    return null;
  }
}
