// /admin/keys: API keys. The plaintext (`sk-sb-` + 192 random bits) is shown once, in the
// answer to POST; D1 keeps only its SHA-256 and a display prefix, and no answer ever carries
// the hash. Revocation (DELETE) is final; disabling (PATCH status) is not.
import { Hono } from 'hono';
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

const createSchema = keySchema
  .omit({ key: true })
  .extend({ expires_at: limits.expires_at.default(null) });

const patchSchema = z
  .strictObject({ name: keySchema.shape.name, status: z.enum(['active', 'disabled']), ...limits })
  .partial();

export const keyRoutes = new Hono<AppEnv>();

keyRoutes.get('/', async (c) => {
  const user = c.req.query('user');
  const db = drizzle(c.env.DB);
  const rows = await (user ? db.select().from(apiKeys).where(eq(apiKeys.user_id, user)) : db.select().from(apiKeys)).orderBy(apiKeys.created_at, apiKeys.id);
  return c.json({ data: rows.map(keyView) });
});

keyRoutes.post('/', async (c) => {
  const body = await parseBody(c, createSchema);
  if (!body.ok) return body.response;
  const key = body.value;
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
});

keyRoutes.get('/:id', async (c) => {
  const [row] = await drizzle(c.env.DB).select().from(apiKeys).where(eq(apiKeys.id, c.req.param('id'))).limit(1);
  return row ? c.json(keyView(row)) : notFound(c, 'key', c.req.param('id'));
});

keyRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, patchSchema);
  if (!body.ok) return body.response;
  const db = drizzle(c.env.DB);
  const id = c.req.param('id');
  const [current] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!current) return notFound(c, 'key', id);
  if (current.status === 'revoked') return invalid(c, 'status', 'status: a revoked key cannot be changed', 409);
  const patch = body.value;
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
  const [row] = await db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning();
  c.get('state').keys.invalidate(current.hash);
  return c.json(keyView(row!));
});

/** Revoke: final. The key stops working in this isolate at once, elsewhere within KEY_CACHE_TTL_MS. */
keyRoutes.delete('/:id', async (c) => {
  const db = drizzle(c.env.DB);
  const [row] = await db.update(apiKeys).set({ status: 'revoked', updated_at: Date.now() }).where(eq(apiKeys.id, c.req.param('id'))).returning();
  if (!row) return notFound(c, 'key', c.req.param('id'));
  c.get('state').keys.invalidate(row.hash);
  return c.json(keyView(row));
});

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
