// Bearer-secret guards for /admin/* and /internal/* (INTERNAL_SECRET), compared in constant
// time. A worker without the secret configured refuses every call.
//
// /admin/* accepts the bootstrap ADMIN_KEY (an implicit owner named `bootstrap`), a named
// admin key from D1 (by SHA-256, cached per isolate), or a **delegated** identity: the
// analytics node's console calls on behalf of its signed-in admin with INTERNAL_SECRET and
// `x-switchboard-acting-admin: <admin key id | bootstrap>`; that admin's scope applies exactly
// as if their key had been presented, and the audit log names them. The caller's scope is
// checked against the method and path before any handler runs (403), and every change is
// written to the audit log (worker/admin/audit.ts) around the handler. Every failure, wrong
// secret and unknown acting admin alike, goes through the brute-force guard.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import type { GatewayError } from '../errors';
import { numberSetting } from '../env';
import { secretsEqual, sha256Hex } from '../util/crypto';
import { errorResponse } from '../pipeline/respond';
import { failureAnswer } from './authenticate';
import { adminKeyStore } from '../admin/admin-key-store';
import { BOOTSTRAP_IDENTITY, scopeAllows, type AdminIdentity } from '../admin/scopes';
import { setAdminIdentity } from '../admin/request-admin';
import { auditChange } from '../admin/audit';

/** Names the admin the console acts for; only honoured with INTERNAL_SECRET as the bearer. */
export const ACTING_ADMIN_HEADER = 'x-switchboard-acting-admin';

const INVALID = 'Missing or invalid credentials.';

type AdminAuthentication = { ok: true; identity: AdminIdentity } | { ok: false; refusal: 'unauthorized' | 'forbidden'; message: string };

export function requireSecret(binding: 'ADMIN_KEY' | 'INTERNAL_SECRET'): MiddlewareHandler<AppEnv> {
  if (binding === 'ADMIN_KEY') return requireAdmin();
  return async function requireSecret(c, next) {
    if (!(await bearerMatches(c, c.env[binding]))) {
      return errorResponse(c, 'openai', { kind: 'unauthorized', message: INVALID });
    }
    await next();
  };
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    const authentication = await adminIdentity(c);
    if (!authentication.ok) return errorResponse(c, 'openai', await refusalOf(c, authentication.refusal, authentication.message));
    const identity = authentication.identity;
    if (!scopeAllows(identity.scope, c.req.method, c.req.path)) {
      return errorResponse(c, 'openai', { kind: 'forbidden', message: `The admin key "${identity.name}" (${identity.scope}) may not ${c.req.method} ${c.req.path}.` });
    }
    setAdminIdentity(c, identity);
    await auditChange(c, identity, next);
  };
}

/**
 * Without ADMIN_KEY configured every admin call is refused, named and delegated identities
 * included: they are made by an owner. With the acting-admin header the bearer must be
 * INTERNAL_SECRET (a named key cannot borrow another admin's identity); otherwise the
 * bootstrap key first (constant time), then a named key by its hash.
 */
async function adminIdentity(c: Context<AppEnv>): Promise<AdminAuthentication> {
  const expected = c.env.ADMIN_KEY;
  const given = bearerOf(c);
  if (typeof expected !== 'string' || expected === '' || given === '') return { ok: false, refusal: 'unauthorized', message: INVALID };
  const ttlMs = numberSetting(c.env.KEY_CACHE_TTL_MS, 10_000);
  const acting = c.req.header(ACTING_ADMIN_HEADER);
  if (acting !== undefined) {
    if (!(await bearerMatches(c, c.env.INTERNAL_SECRET))) return { ok: false, refusal: 'unauthorized', message: INVALID };
    const identity = acting === BOOTSTRAP_IDENTITY.id ? BOOTSTRAP_IDENTITY : await adminKeyStore.lookupById(c.env.DB, acting.trim(), Date.now(), ttlMs);
    // The secret was right, so the caller is the analytics node: say what is wrong, never who exists.
    return identity ? { ok: true, identity } : { ok: false, refusal: 'forbidden', message: 'The acting admin is unknown or revoked.' };
  }
  if (await secretsEqual(given, expected)) return { ok: true, identity: BOOTSTRAP_IDENTITY };
  const identity = await adminKeyStore.lookup(c.env.DB, await sha256Hex(given), Date.now(), ttlMs);
  return identity ? { ok: true, identity } : { ok: false, refusal: 'unauthorized', message: INVALID };
}

/** Counted by the brute-force guard; a 403 stays a 403 unless the address is blocked (429). */
async function refusalOf(c: Context<AppEnv>, refusal: 'unauthorized' | 'forbidden', message: string): Promise<GatewayError> {
  const answer = await failureAnswer(c, message);
  return refusal === 'forbidden' && answer.kind === 'unauthorized' ? { kind: 'forbidden', message } : answer;
}

async function bearerMatches(c: Context<AppEnv>, expected: unknown): Promise<boolean> {
  return typeof expected === 'string' && expected !== '' && (await secretsEqual(bearerOf(c), expected));
}

function bearerOf(c: Context<AppEnv>): string {
  const header = c.req.header('authorization') ?? '';
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
}
