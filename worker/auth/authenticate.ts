// Key authentication for client routes, with the credential read the way each official SDK
// sends it. Failures are rendered in the route's protocol; the key itself is never logged.
import type { Context, MiddlewareHandler } from 'hono';
import type { Protocol } from '../core/types';
import type { AppEnv } from '../env';
import { isolateState } from '../state';
import { errorResponse } from '../pipeline/respond';

/** A route's protocol, fixed or decided per request (the shared /v1/models routes). */
export type ProtocolOf = Protocol | ((c: Context<AppEnv>) => Protocol);

export function authenticate(protocolOf: ProtocolOf): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const protocol = typeof protocolOf === 'function' ? protocolOf(c) : protocolOf;
    c.set('protocol', protocol);
    const key = credentialOf(c.req.raw, protocol);
    if (!key) {
      return errorResponse(c, protocol, { kind: 'unauthorized', message: 'Missing API key.' });
    }
    const context = await isolateState(c.env).keys.lookup(c.env.DB, key, Date.now());
    if (!context) {
      return errorResponse(c, protocol, { kind: 'unauthorized', message: 'Invalid, disabled or revoked API key.' });
    }
    c.set('auth', context);
    await next();
  };
}

/** Bearer everywhere; x-api-key on Anthropic routes; x-goog-api-key or ?key= on Gemini routes. */
export function credentialOf(request: Request, protocol: Protocol): string | null {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1]!;
  }
  if (protocol === 'anthropic') return request.headers.get('x-api-key');
  if (protocol === 'gemini') {
    return request.headers.get('x-goog-api-key') ?? new URL(request.url).searchParams.get('key');
  }
  return null;
}
