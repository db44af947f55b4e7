// Error responses in the caller's protocol, with the request id; used by every handler,
// the auth middleware, onError and notFound alike.
import type { Context } from 'hono';
import type { Protocol } from '../core/types';
import type { GatewayError } from '../errors';
import { renderError } from '../protocols';
import type { AppEnv } from '../env';

export function errorResponse(c: Context<AppEnv>, protocol: Protocol, error: GatewayError, extra: Record<string, string> = {}): Response {
  const rendered = renderError(protocol, error);
  const headers = new Headers(rendered.headers);
  headers.set('content-type', 'application/json');
  const requestId = c.get('request_id');
  if (requestId) headers.set('x-request-id', requestId);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(rendered.body, { status: rendered.status, headers });
}

/** Which protocol a path speaks, for errors raised before a route is matched. */
export function protocolOfPath(path: string): Protocol {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1beta/')) return 'gemini';
  return 'openai';
}
