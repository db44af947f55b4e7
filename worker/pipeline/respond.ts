// Error responses in the caller's protocol, with the request id; used by every client route,
// the admin and internal APIs, the auth middleware, onError and notFound alike.
import type { Context } from 'hono';
import type { Protocol } from '../core/types';
import type { GatewayError } from '../errors';
import { renderError } from '../protocols';
import type { AppEnv } from '../env';

/**
 * `extra` adds headers (x-switchboard-attempts, debug); it cannot set `retry-after`, which the
 * protocol renderer alone writes from the error (worker/errors.ts retryAfterHeader), so
 * every route rounds it the same way.
 */
export function errorResponse(c: Context<AppEnv>, protocol: Protocol, error: GatewayError, extra: Record<string, string> = {}): Response {
  const rendered = renderError(protocol, error);
  const headers = new Headers(rendered.headers);
  headers.set('content-type', 'application/json');
  const requestId = c.get('request_id');
  if (requestId) headers.set('x-request-id', requestId);
  for (const [name, value] of Object.entries(extra)) {
    if (name.toLowerCase() !== 'retry-after') headers.set(name, value);
  }
  return new Response(rendered.body, { status: rendered.status, headers });
}
