// A small JSON-over-HTTP client for the CLI. Errors from the server surface as SedimentErrors.
import { SedimentError } from '../cluster/errors.js';

export async function httpJson(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  } catch (error) {
    throw new SedimentError('not_found', `cannot reach ${url}: ${(error as Error).message}. Is Sediment running (npm start)?`);
  }
  const text = await response.text();
  const json: unknown = text === '' ? null : JSON.parse(text);
  if (!response.ok) {
    const message = (json as { errorMessage?: string } | null)?.errorMessage ?? text;
    throw new SedimentError(response.status === 404 ? 'not_found' : response.status >= 500 ? 'internal' : 'invalid_input', `${response.status}: ${message}`);
  }
  return json;
}
