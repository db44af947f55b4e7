// Who may scrape /metrics: any reader of the analytics node (read-auth.ts: an admin key, an
// admin's console session, the internal secret) or, when METRICS_TOKEN is set, a scraper
// presenting `Authorization: Bearer <METRICS_TOKEN>` — compared in constant time on SHA-256
// digests, never logged. The token opens /metrics only.
import type { Context, MiddlewareHandler } from 'hono';
import { unauthorized } from '../auth-errors';
import { bearerOf, digest, secretMatches } from '../internal-auth';

export function metricsAuth(identify: (c: Context) => Promise<unknown>, metricsToken: string | undefined): MiddlewareHandler {
  const token = metricsToken ? digest(metricsToken) : null;
  return async function metricsAuthMiddleware(c, next) {
    const bearer = bearerOf(c.req.header('authorization'));
    const allowed = (token !== null && bearer !== null && secretMatches(bearer, token)) || (await identify(c)) !== null;
    if (!allowed) return unauthorized(c);
    await next();
  };
}
