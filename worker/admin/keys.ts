// /admin/keys: API keys. The plaintext (`sk-sb-` + 192 random bits) is shown once, in the
// answer to POST; D1 keeps only its SHA-256 and a display prefix, and no answer ever carries
// the hash. Revocation (DELETE) is final; disabling (PATCH status) is not.
//
// The operations (create, change, revoke) are exported for the per-user account routes
// (worker/routes/internal-users.ts), which narrow the schemas and the key set to one user:
// one mechanism for validation and storage, whoever calls it.
import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { keySchema, policyLayerSchema } from '../config/schema';
import { apiKeys, users, type ApiKeyRow } from '../db/schema';
import { displayPrefix } from '../db/apply-config';
import { randomId, sha256Hex, toHex } from '../util/crypto';
import { invalid, notFound, parseBody, parseJsonArray, parseJsonObject } from './respond';

const limits = {
  models: z.array(z.string().min(1).max(128)).min(1),
  rpm: z.number().int().positive().nullable(),
  tpm: z.number().int().positive().nullable(),
  budget_daily_usd: z.number().min(0).nullable(),
  budget_monthly_usd: z.number().min(0).nullable(),
  routing: policyLayerSchema,
  expires_at: z.number().int().positive().nullable(),
};

export const keyCreateSchema = keySchema
  .omit({ key: true })
  .extend({ expires_at: limits.expires_at.default(null) });

export const keyPatchSchema = z
  .strictObject({ name: keySchema.shape.name, status: z.enum(['active', 'disabled']), ...limits })
  .partial();

export type KeyCreate = z.infer<typeof keyCreateSchema>;
export type KeyPatch = z.infer<typeof keyPatchSchema>;

export const keyRoutes = new Hono<AppEnv>();

keyRoutes.get('/', async (c) => {
  const user = c.req.query('user');
  return c.json({ data: (await listKeys(c.env.DB, user)).map(keyView) });
});

keyRoutes.post('/', async (c) => {
  const body = await parseBody(c, keyCreateSchema);
  if (!body.ok) return body.response;
  return createKey(c, body.value);
});

keyRoutes.get('/:id', async (c) => {
  const row = await loadKey(c.env.DB, c.req.param('id'));
  return row ? c.json(keyView(row)) : notFound(c, 'key', c.req.param('id'));
});

keyRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, keyPatchSchema);
  if (!body.ok) return body.response;
  const current = await loadKey(c.env.DB, c.req.param('id'));
  if (!current) return notFound(c, 'key', c.req.param('id'));
  return changeKey(c, current, body.value);
});

keyRoutes.delete('/:id', async (c) => {
  const current = await loadKey(c.env.DB, c.req.param('id'));
  if (!current) return notFound(c, 'key', c.req.param('id'));
  return revokeKey(c, current);
});

export async function listKeys(database: D1Database, user?: string): Promise<ApiKeyRow[]> {
  const db = drizzle(database);
  return (user ? db.select().from(apiKeys).where(eq(apiKeys.user_id, user)) : db.select().from(apiKeys)).orderBy(apiKeys.created_at, apiKeys.id);
}

export async function loadKey(database: D1Database, id: string): Promise<ApiKeyRow | null> {
  const [row] = await drizzle(database).select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return row ?? null;
}

/** Store a new key for an existing user; 201 with the plaintext, the only time it is shown. */
export async function createKey(c: Context<AppEnv>, key: KeyCreate): Promise<Response> {
  const db = drizzle(c.env.DB);
  const owner = await db.select({ id: users.id }).from(users).where(eq(users.id, key.user)).limit(1);
  if (owner.length === 0) return invalid(c, 'user', `user: unknown user "${key.user}"`);
  const plaintext = newKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: randomId('key_'),
      user_id: key.user,
      name: key.name,
      hash: await sha256Hex(plaintext),
      prefix: displayPrefix(plaintext),
      models: JSON.stringify(key.models),
      rpm: key.rpm,
      tpm: key.tpm,
      budget_daily_usd: key.budget_daily_usd,
      budget_monthly_usd: key.budget_monthly_usd,
      routing: JSON.stringify(key.routing),
      source: 'admin',
      expires_at: key.expires_at,
    })
    .returning();
  return c.json({ ...keyView(row!), key: plaintext }, 201);
}

/** Apply a validated patch; a revoked key cannot be changed (409). */
export async function changeKey(c: Context<AppEnv>, current: ApiKeyRow, patch: KeyPatch): Promise<Response> {
  if (current.status === 'revoked') return invalid(c, 'status', 'status: a revoked key cannot be changed', 409);
  const set: Partial<ApiKeyRow> = { updated_at: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.models !== undefined) set.models = JSON.stringify(patch.models);
  if (patch.rpm !== undefined) set.rpm = patch.rpm;
  if (patch.tpm !== undefined) set.tpm = patch.tpm;
  if (patch.budget_daily_usd !== undefined) set.budget_daily_usd = patch.budget_daily_usd;
  if (patch.budget_monthly_usd !== undefined) set.budget_monthly_usd = patch.budget_monthly_usd;
  if (patch.routing !== undefined) set.routing = JSON.stringify(patch.routing);
  if (patch.expires_at !== undefined) set.expires_at = patch.expires_at;
  const [row] = await drizzle(c.env.DB).update(apiKeys).set(set).where(eq(apiKeys.id, current.id)).returning();
  c.get('state').keys.invalidate(current.hash);
  return c.json(keyView(row!));
}

/** Revoke: final. The key stops working in this isolate at once, elsewhere within KEY_CACHE_TTL_MS. */
export async function revokeKey(c: Context<AppEnv>, current: ApiKeyRow): Promise<Response> {
  const [row] = await drizzle(c.env.DB).update(apiKeys).set({ status: 'revoked', updated_at: Date.now() }).where(eq(apiKeys.id, current.id)).returning();
  c.get('state').keys.invalidate(current.hash);
  return c.json(keyView(row!));
}

function newKey(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `sk-sb-${toHex(bytes)}`;
}

/** What an operator sees of a key: never the hash, never the plaintext. */
export function keyView(row: ApiKeyRow) {
  return {
    id: row.id,
    user: row.user_id,
    name: row.name,
    prefix: row.prefix,
    status: row.status,
    models: parseJsonArray(row.models),
    rpm: row.rpm,
    tpm: row.tpm,
    budget_daily_usd: row.budget_daily_usd,
    budget_monthly_usd: row.budget_monthly_usd,
    routing: parseJsonObject(row.routing),
    source: row.source,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
