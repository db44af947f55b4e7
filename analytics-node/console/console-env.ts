// What console handlers share: the Hono env (the session, once console-auth has found it),
// the error shape `{"error": {"message", "code"?}}`, and the client address.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Session } from './api-types';

export type ConsoleEnv = {
  Variables: {
    session: Session;
    sessionId: string;
  };
};

export function apiError(c: Context, status: ContentfulStatusCode, message: string, code?: string): Response {
  return c.json({ error: code === undefined ? { message } : { message, code } }, status);
}

/**
 * The client's address for sign-in limits: the socket's peer, or, behind a reverse proxy the
 * operator declared (ANALYTICS_TRUST_PROXY), the last hop it appended to x-forwarded-for.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
