// The console's guards. `withSession` finds the session behind the cookie; `requireAdmin`
// and `requireUser` admit only that kind (a user session never reaches /api/ops or
// /api/admin: 403); `csrfGuard` refuses a state-changing call without the session's token
// in `x-csrf-token`, or from a foreign `Origin` when the browser names one.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { apiError, type ConsoleEnv } from './console-env';
import { SESSION_COOKIE, type ConsoleSessionStore } from './session-store';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function withSession(sessions: ConsoleSessionStore): MiddlewareHandler<ConsoleEnv> {
  return async function withSessionMiddleware(c, next) {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id ? await sessions.resolve(id) : null;
    if (!id || session === null) return apiError(c, 401, 'Sign in first.', 'unauthenticated');
    c.set('session', session);
    c.set('sessionId', id);
    await next();
  };
}

export function requireKind(kind: 'admin' | 'user'): MiddlewareHandler<ConsoleEnv> {
  return async function requireKindMiddleware(c, next) {
    if (c.get('session').identity.kind !== kind) {
      return apiError(c, 403, kind === 'admin' ? 'This needs an admin session.' : 'This is for end-user accounts.', 'forbidden');
    }
    await next();
  };
}

export function csrfGuard(sessions: ConsoleSessionStore): MiddlewareHandler<ConsoleEnv> {
  return async function csrfGuardMiddleware(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (!originAllowed(c.req.header('origin'), c.req.url, c.req.header('x-forwarded-host'))) {
      return apiError(c, 403, 'Cross-origin request refused.', 'csrf');
    }
    if (!sessions.csrfMatches(c.get('session'), c.req.header('x-csrf-token'))) {
      return apiError(c, 403, 'Missing or wrong x-csrf-token.', 'csrf');
    }
    await next();
  };
}

/** An absent Origin passes (non-browser clients); a present one must be this node's own. */
export function originAllowed(origin: string | undefined, requestUrl: string, forwardedHost?: string): boolean {
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    const from = new URL(origin);
    const self = new URL(requestUrl);
    return from.host === self.host || (forwardedHost !== undefined && from.host === forwardedHost);
  } catch {
    return false;
  }
}
