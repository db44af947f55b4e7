// The status and headers of every client format's error response. Retry-After is written
// here and nowhere else.
import { errorStatus, retryAfterHeader, type GatewayError } from '../../errors';
import type { RenderedError } from '../types';

export function renderedError(error: GatewayError, body: unknown): RenderedError {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // The only place an error response's Retry-After is written (every route renders here).
  const retryAfter = retryAfterHeader(error);
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  return { status: errorStatus(error), headers, body: JSON.stringify(body) };
}
