// HTTP calls to Sediment, as any Druid client makes them.

export class SedimentHttpError extends Error {
  constructor(
    /** HTTP status, 0 when the request never got a response. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function send(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new SedimentHttpError(0, `${init.method ?? 'GET'} ${url} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new SedimentHttpError(response.status, `${init.method ?? 'GET'} ${url} → HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text === '' ? null : JSON.parse(text);
}

export function getJson(url: string): Promise<unknown> {
  return send(url, { method: 'GET' });
}

export function postJson(url: string, body: unknown): Promise<unknown> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Posts a native query to /druid/v2 and returns the parsed response (the timing includes the parse). */
export async function nativeQuery(baseUrl: string, query: unknown): Promise<unknown> {
  return postJson(`${baseUrl}/druid/v2`, query);
}
