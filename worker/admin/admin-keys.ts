// /admin/admin-keys: named admin keys with a scope (owner only, but for GETs), and
// /admin/whoami: who the caller is (the analytics node verifies named keys with it). The
// plaintext (`sk-sb-admin-` + 192 random bits) is shown once, in the answer to POST; D1 keeps
// its SHA-256 and a display prefix. Revocation is final and reaches this isolate at once,
// the others within KEY_CACHE_TTL_MS.
import { Hono } from 'hono';
import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { adminKeys, type AdminKeyRow } from '../db/schema';
import { errorResponse } from '../pipeline/respond';
import { randomId, sha256Hex, toHex } from '../util/crypto';
import { adminScopeSchema, BOOTSTRAP_IDENTITY } from './scopes';
import { adminKeyStore } from './admin-key-store';
import { adminIdentityOf } from './request-admin';
import { invalid, notFound, parseBody } from './respond';

const ADMIN_KEY_PREFIX = 'sk-sb-admin-';

const createSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only')
    .refine((name) => name !== BOOTSTRAP_IDENTITY.name, 'the name "bootstrap" is the ADMIN_KEY binding'),
  scope: adminScopeSchema,
});

export const adminKeyRoutes = new Hono<AppEnv>();

adminKeyRoutes.get('/', async (c) => {
  const rows = await drizzle(c.env.DB).select().from(adminKeys).orderBy(desc(adminKeys.created_at), adminKeys.id);
  return c.json({ data: rows.map(adminKeyView) });
});

adminKeyRoutes.post('/', async (c) => {
  const body = await parseBody(c, createSchema);
  if (!body.ok) return body.response;
  const db = drizzle(c.env.DB);
  const { name, scope } = body.value;
  const taken = await db.select({ id: adminKeys.id, status: adminKeys.status }).from(adminKeys).where(eq(adminKeys.name, name));
  if (taken.some((row) => row.status === 'active')) return invalid(c, 'name', `name: an active admin key "${name}" already exists`, 409);
  const plaintext = newAdminKey();
  const [row] = await db
    .insert(adminKeys)
    .values({
      id: randomId('adk_'),
      name,
      scope,
      hash: await sha256Hex(plaintext),
      prefix: `${plaintext.slice(0, ADMIN_KEY_PREFIX.length + 4)}…`,
      created_by: adminIdentityOf(c)?.name ?? '',
    })
    .returning();
  return c.json({ ...adminKeyView(row!), key: plaintext }, 201);
});

adminKeyRoutes.get('/:id', async (c) => {
  const view = await loadAdminKeyView(c.env.DB, c.req.param('id'));
  return view ? c.json(view) : notFound(c, 'admin key', c.req.param('id'));
});

adminKeyRoutes.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const db = drizzle(c.env.DB);
  const [current] = await db.select().from(adminKeys).where(eq(adminKeys.id, id)).limit(1);
  if (!current) return notFound(c, 'admin key', id);
  if (current.status === 'revoked') return invalid(c, 'id', `id: admin key "${id}" is already revoked`, 409);
  const now = Date.now();
  const [row] = await db.update(adminKeys).set({ status: 'revoked', revoked_at: now, updated_at: now }).where(eq(adminKeys.id, id)).returning();
  adminKeyStore.invalidate({ hash: current.hash, id: current.id });
  return c.json(adminKeyView(row!));
});

/** GET /admin/whoami: the caller's admin identity (any scope). */
export const whoamiRoutes = new Hono<AppEnv>();

whoamiRoutes.get('/', (c) => {
  const identity = adminIdentityOf(c);
  return identity ? c.json(identity) : errorResponse(c, 'openai', { kind: 'unauthorized', message: 'Missing or invalid credentials.' });
});

export async function loadAdminKeyView(database: D1Database, id: string) {
  const [row] = await drizzle(database).select().from(adminKeys).where(eq(adminKeys.id, id)).limit(1);
  return row ? adminKeyView(row) : null;
}

/** Never the hash, never the plaintext. */
export function adminKeyView(row: AdminKeyRow) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    status: row.status,
    created_by: row.created_by,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  };
}

function newAdminKey(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `${ADMIN_KEY_PREFIX}${toHex(bytes)}`;
}
