// Who may read the analytics node: every route but /ingest, the ledger routes (internal
// secret) and /health requires an admin credential — the bootstrap ADMIN_KEY or a named admin
// key as `Authorization: Bearer`, or an admin's console session cookie — or the internal secret, which
// is the worker's own identity (it pulls /scores and proxies a key's /usage). Every secret is
// compared in constant time; a refusal is a 401 with no data.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AdminIdentity, AdminVerifier } from './admin-verifier';
import { unauthorized } from './auth-errors';
import { bearerOf, digest, secretMatches } from './internal-auth';
import { SESSION_COOKIE } from './console/session-store';

export interface ReadAuthOptions {
  internalSecret: string;
  verify: AdminVerifier;
  /** The admin behind a console session cookie, if any (console/session-store.ts). */
  sessionAdmin(sessionId: string): AdminIdentity | null;
}

export type Reader = { kind: 'worker' } | { kind: 'admin'; identity: AdminIdentity };

/** The reader behind a request, or null. A bearer, when given, decides alone. */
export function readerIdentifier(options: ReadAuthOptions): (c: Context) => Promise<Reader | null> {
  const internal = digest(options.internalSecret);
  return async function identify(c) {
    const bearer = bearerOf(c.req.header('authorization'));
    if (bearer !== null) {
      if (secretMatches(bearer, internal)) return { kind: 'worker' };
      const identity = await options.verify(bearer);
      return identity ? { kind: 'admin', identity } : null;
    }
    const session = getCookie(c, SESSION_COOKIE);
    const identity = session ? options.sessionAdmin(session) : null;
    return identity ? { kind: 'admin', identity } : null;
  };
}

export function readAuth(identify: (c: Context) => Promise<Reader | null>): MiddlewareHandler {
  return async function readAuthMiddleware(c, next) {
    if (!(await identify(c))) return unauthorized(c);
    await next();
  };
}
