// /api/session (sign in, who am I, sign out) and /api/invites/{token} (look at, accept).
// Sign-in and acceptance need no CSRF token (there is no session yet); SameSite=Strict and
// the Origin check still apply. One message for an unknown account and a wrong secret.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AdminVerifier } from '../admin-verifier';
import type { Identity } from './api-types';
import { originAllowed, withSession } from './console-auth';
import { apiError, clientAddress, type ConsoleEnv } from './console-env';
import type { InviteStore } from './invites';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords';
import { SESSION_COOKIE, type ConsoleSessionStore } from './session-store';
import type { SignInLimits } from './sign-in-limits';
import { userPath, workerJson, type WorkerClient } from './worker-client';

const signInSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('admin'), admin_key: z.string().min(1).max(512) }),
  z.strictObject({ kind: z.literal('user'), user_id: z.string().min(1).max(256), password: z.string().min(1).max(1024) }),
]);
const acceptSchema = z.strictObject({ password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH) });

export interface SessionRoutesOptions {
  sessions: ConsoleSessionStore;
  invites: InviteStore;
  limits: SignInLimits;
  verifyAdmin: AdminVerifier;
  worker: WorkerClient | null;
  trustProxy: boolean;
}

export function sessionRoutes(options: SessionRoutesOptions): Hono<ConsoleEnv> {
  const { sessions, invites, limits } = options;
  const route = new Hono<ConsoleEnv>();
  const small = bodyLimit({ maxSize: 8 * 1024, onError: (c) => apiError(c, 413, 'Body too large.') });

  async function startSession(c: Context, identity: Identity) {
    const { id, session } = await sessions.create(identity);
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: Math.floor(sessions.ttlMs / 1000) });
    return c.json(session);
  }

  /** Whether the worker knows the user and they are active (a disabled user cannot sign in). */
  async function userActive(userId: string): Promise<boolean> {
    if (options.worker === null) return false;
    const answer = await workerJson<{ status?: string }>(options.worker, { method: 'GET', path: userPath(userId) });
    return answer.ok && answer.value.status !== 'disabled';
  }

  route.post('/api/session', small, async function signIn(c) {
    if (!originAllowed(c.req.header('origin'), c.req.url, c.req.header('x-forwarded-host'))) return apiError(c, 403, 'Cross-origin request refused.', 'csrf');
    const parsed = signInSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return apiError(c, 400, 'Body: {"kind":"admin","admin_key"} or {"kind":"user","user_id","password"}.', 'invalid_body');
    const body = parsed.data;
    const address = clientAddress(c, options.trustProxy);
    const account = body.kind === 'admin' ? 'admin' : `user:${body.user_id}`;
    const wait = limits.retryAfterS(address, account);
    if (wait > 0) return c.json({ error: { message: 'Too many failed sign-ins; try again later.', code: 'rate_limited' } }, 429, { 'retry-after': String(wait) });

    let identity: Identity | null = null;
    if (body.kind === 'admin') {
      const admin = await options.verifyAdmin(body.admin_key.trim());
      if (admin) identity = { kind: 'admin', ...admin };
    } else if ((await invites.verify(body.user_id, body.password)) && (await userActive(body.user_id))) {
      identity = { kind: 'user', user_id: body.user_id };
    }
    if (identity === null) {
      limits.recordFailure(address, account);
      return apiError(c, 401, 'Wrong credentials.', 'invalid_credentials');
    }
    limits.recordSuccess(account);
    return startSession(c, identity);
  });

  route.get('/api/session', withSession(sessions), (c) => c.json(c.get('session')));

  route.delete('/api/session', async function signOut(c) {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await sessions.revoke(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  });

  route.get('/api/invites/:token', async function invite(c) {
    const found = await invites.lookup(c.req.param('token'));
    return found.ok ? c.json({ user_id: found.user_id, expires_at: found.expires_at }) : apiError(c, 404, 'This invite is unknown, used or expired.', 'invite_invalid');
  });

  route.post('/api/invites/:token/accept', small, async function accept(c) {
    if (!originAllowed(c.req.header('origin'), c.req.url, c.req.header('x-forwarded-host'))) return apiError(c, 403, 'Cross-origin request refused.', 'csrf');
    const parsed = acceptSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return apiError(c, 400, `password: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, 'invalid_password');
    const accepted = await invites.accept(c.req.param('token'), parsed.data.password);
    if (!accepted.ok) return apiError(c, 404, 'This invite is unknown, used or expired.', 'invite_invalid');
    return startSession(c, { kind: 'user', user_id: accepted.user_id });
  });

  return route;
}
