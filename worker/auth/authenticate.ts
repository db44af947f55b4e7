// Key authentication for client routes, with the credential read the way each official SDK
// sends it. Failures are rendered in the route's protocol; the key itself is never logged.
//
// Brute force: the key is checked first and only failures are counted, per client address
// (brute-force-guard.ts), so a valid key is never delayed or refused, even from an address
// that is blocked (an office behind one NAT with one misconfigured client keeps working). A
// failure past the policy's thresholds is answered after a delay, then with a 429.
import type { Context, MiddlewareHandler } from 'hono';
import type { Protocol } from '../core/types';
import type { AppEnv } from '../env';
import type { GatewayError } from '../errors';
import { errorResponse } from '../pipeline/respond';
import { BruteForceGuard, pause } from './brute-force-guard';
import { clientAddress } from './client-address';
import { failurePolicyOf } from './failure-policy';

/** A route's protocol, fixed or decided per request (the shared /v1/models routes). */
export type ProtocolOf = Protocol | ((c: Context<AppEnv>) => Protocol);

/** Per isolate, like the key cache: which addresses failed and which are blocked. */
const guard = new BruteForceGuard();

export function authenticate(protocolOf: ProtocolOf): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const protocol = typeof protocolOf === 'function' ? protocolOf(c) : protocolOf;
    c.set('protocol', protocol);
    const key = credentialOf(c.req.raw, protocol);
    const context = key ? await c.get('state').keys.lookup(c.env.DB, key, Date.now(), (promise) => c.executionCtx.waitUntil(promise)) : null;
    if (!context) {
      const message = key ? 'Invalid, disabled or revoked API key.' : 'Missing API key.';
      return errorResponse(c, protocol, await failureAnswer(c, message));
    }
    c.set('auth', context);
    await next();
  };
}

/**
 * The error for a failed authentication, on client and admin routes alike: a 401 (perhaps
 * delayed) or, for a blocked address, a 429. One guard per isolate counts both.
 */
export async function failureAnswer(c: Context<AppEnv>, message: string): Promise<GatewayError> {
  const address = clientAddress(c.req.raw);
  if (address === null) return { kind: 'unauthorized', message };
  const verdict = await guard.onFailure(c.env, address, Date.now(), failurePolicyOf(c.env));
  if (verdict.blocked) {
    return { kind: 'rate_limited', message: 'Too many failed authentications from this address; try again later.', retry_after_s: verdict.retry_after_ms / 1_000 };
  }
  await pause(verdict.delay_ms);
  return { kind: 'unauthorized', message };
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
