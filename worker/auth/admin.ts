// Bearer-secret guards for /admin/* and /internal/* (INTERNAL_SECRET), compared in constant
// time. A worker without the secret configured refuses every call.
//
// /admin/* accepts the bootstrap ADMIN_KEY (an implicit owner named `bootstrap`) or a named
// admin key from D1 (by SHA-256, cached per isolate). The caller's scope is checked against the
// method and path before any handler runs (403), and every change is written to the audit log
// (worker/admin/audit.ts) around the handler.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { numberSetting } from '../env';
import { secretsEqual, sha256Hex } from '../util/crypto';
import { errorResponse } from '../pipeline/respond';
import { failureAnswer } from './authenticate';
import { adminKeyStore } from '../admin/admin-key-store';
import { BOOTSTRAP_IDENTITY, scopeAllows, type AdminIdentity } from '../admin/scopes';
import { setAdminIdentity } from '../admin/request-admin';
import { auditChange } from '../admin/audit';

export function requireSecret(binding: 'ADMIN_KEY' | 'INTERNAL_SECRET'): MiddlewareHandler<AppEnv> {
  if (binding === 'ADMIN_KEY') return requireAdmin();
  return async function requireSecret(c, next) {
    const expected = c.env[binding];
    const given = bearerOf(c);
    if (typeof expected !== 'string' || expected === '' || !(await secretsEqual(given, expected))) {
      return errorResponse(c, 'openai', { kind: 'unauthorized', message: 'Missing or invalid credentials.' });
    }
    await next();
  };
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    const identity = await adminIdentity(c);
    if (!identity) return errorResponse(c, 'openai', await failureAnswer(c, 'Missing or invalid credentials.'));
    if (!scopeAllows(identity.scope, c.req.method, c.req.path)) {
      return errorResponse(c, 'openai', { kind: 'forbidden', message: `The admin key "${identity.name}" (${identity.scope}) may not ${c.req.method} ${c.req.path}.` });
    }
    setAdminIdentity(c, identity);
    await auditChange(c, identity, next);
  };
}

/**
 * The bootstrap key first (constant time), then a named key by its hash. Without ADMIN_KEY
 * configured every admin call is refused, named keys included: they are made by an owner.
 */
async function adminIdentity(c: Context<AppEnv>): Promise<AdminIdentity | null> {
  const expected = c.env.ADMIN_KEY;
  const given = bearerOf(c);
  if (typeof expected !== 'string' || expected === '' || given === '') return null;
  if (await secretsEqual(given, expected)) return BOOTSTRAP_IDENTITY;
  const ttlMs = numberSetting(c.env.KEY_CACHE_TTL_MS, 10_000);
  return adminKeyStore.lookup(c.env.DB, await sha256Hex(given), Date.now(), ttlMs);
}

function bearerOf(c: Context<AppEnv>): string {
  const header = c.req.header('authorization') ?? '';
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
}
