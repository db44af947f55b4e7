// Per-user account routes for the console (the analytics node calls them for its signed-in
// end user, with INTERNAL_SECRET; internal.ts guards them): the admin API's own views and
// operations, narrowed to one user. A key of another user is 404, never 403 (its existence is
// not confirmed); a disabled user may read but not change anything (403). The user may set a
// key's name, limits, budgets and expiry, never its owner, its models or its routing (400
// naming the field). Changes are audited with the actor `user:<id>`.
import { Hono, type Context, type Next } from 'hono';
import type { AppEnv } from '../env';
import type { UserRow } from '../db/schema';
import { loadUser, journalOf, userDetail } from '../admin/users';
import { changeKey, createKey, keyCreateSchema, keyPatchSchema, keyView, listKeys, loadKey, revokeKey } from '../admin/keys';
import { notFound, parseBody } from '../admin/respond';
import { auditChange, type AuditActor } from '../admin/audit';
import { auditTarget } from '../admin/audit-targets';
import { isReadMethod } from '../admin/scopes';
import { errorResponse } from '../pipeline/respond';

/** What an end user may set on their own keys; anything else is a 400 naming the field. */
const userKeyCreateSchema = keyCreateSchema.pick({ name: true, rpm: true, tpm: true, budget_daily_usd: true, budget_monthly_usd: true, expires_at: true });
const userKeyPatchSchema = keyPatchSchema.pick({ name: true, status: true, rpm: true, tpm: true, budget_daily_usd: true, budget_monthly_usd: true, expires_at: true });

/** The account being served, loaded once per request by the guard below. */
const accounts = new WeakMap<Request, UserRow>();

export const internalUserRoutes = new Hono<AppEnv>();

// One pattern: `/:id/*` also matches `/:id`, and a second registration would run the guard
// (and write the audit entry) twice.
internalUserRoutes.use('/:id/*', userGuard);

internalUserRoutes.get('/:id', async (c) => c.json(await userDetail(c.env, accountOf(c))));

internalUserRoutes.get('/:id/ledger', async (c) => c.json({ data: await journalOf(c.env.DB, accountOf(c).id, c.req.query('limit')) }));

internalUserRoutes.get('/:id/keys', async (c) => c.json({ data: (await listKeys(c.env.DB, accountOf(c).id)).map(keyView) }));

internalUserRoutes.post('/:id/keys', async (c) => {
  const body = await parseBody(c, userKeyCreateSchema);
  if (!body.ok) return body.response;
  return createKey(c, { ...body.value, user: accountOf(c).id, models: ['*'], routing: {} });
});

internalUserRoutes.get('/:id/keys/:key_id', async (c) => {
  const key = await ownKey(c);
  return key ? c.json(keyView(key)) : notFound(c, 'key', c.req.param('key_id'));
});

internalUserRoutes.patch('/:id/keys/:key_id', async (c) => {
  const body = await parseBody(c, userKeyPatchSchema);
  if (!body.ok) return body.response;
  const key = await ownKey(c);
  return key ? changeKey(c, key, body.value) : notFound(c, 'key', c.req.param('key_id'));
});

internalUserRoutes.delete('/:id/keys/:key_id', async (c) => {
  const key = await ownKey(c);
  return key ? revokeKey(c, key) : notFound(c, 'key', c.req.param('key_id'));
});

/**
 * Loads the user (404 when unknown), refuses changes for a disabled one (403), and wraps
 * changes in the audit log with the user as actor. The audit target is the admin route the
 * change mirrors (`/admin/keys/{key_id}`), so both paths record the same entity and views.
 */
async function userGuard(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  const id = c.req.param('id') ?? '';
  const user = await loadUser(c.env.DB, id);
  if (!user) return notFound(c, 'user', id);
  const reading = isReadMethod(c.req.method.toUpperCase());
  if (!reading && user.status !== 'active') {
    return errorResponse(c, 'openai', { kind: 'forbidden', message: `The user "${id}" is disabled: their keys cannot be created or changed.` });
  }
  accounts.set(c.req.raw, user);
  if (reading) return next();
  const actor: AuditActor = { id: `user:${user.id}`, name: `user:${user.id}`, scope: 'user' };
  // The guard's own pattern has no :key_id; the mirrored admin path takes the rest as it is.
  const keys = /\/keys(\/[^/]+)?\/?$/.exec(c.req.path);
  await auditChange(c, actor, next, auditTarget(c.req.method, `/admin/keys${keys?.[1] ?? ''}`));
}

function accountOf(c: Context<AppEnv>): UserRow {
  const user = accounts.get(c.req.raw);
  // The guard runs before every route here; reaching this without it is a wiring bug.
  if (!user) throw new Error('internal user routes: the user guard did not run');
  return user;
}

/** The key, only when it belongs to this user: another user's key is indistinguishable from none. */
async function ownKey(c: Context<AppEnv>) {
  const key = await loadKey(c.env.DB, c.req.param('key_id') ?? '');
  return key && key.user_id === accountOf(c).id ? key : null;
}
