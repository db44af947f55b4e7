// /admin/channels: model sources and what they cost us. The credential is write-only: a
// literal is sealed under CREDENTIALS_KEY before it reaches D1 (refused without one), env:NAME
// is stored as the reference, and no answer carries the credential or its ciphertext — only
// how it is held (`credential`: encrypted under which key id, or which binding).
import { Hono } from 'hono';
import { eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { channelModelSchema, channelSchema } from '../config/schema';
import { channelModels, channels, models, type ChannelModelRow, type ChannelRow } from '../db/schema';
import { priceColumns, storedPrice } from '../db/price-columns';
import { invalid, invalidateCaches, notFound, parseBody } from './respond';
import { errorResponse } from '../pipeline/respond';
import { credentialSealer } from '../secrets/credential-sealer';
import { describeStored } from '../secrets/sealed-credential';
import { rotateCredentialsRoute } from '../secrets/rotate-route';
import { channelTestRoute } from './channel-test';

const patchSchema = z
  .strictObject({
    type: channelSchema.shape.type,
    base_url: channelSchema.shape.base_url,
    api_key: z.string().max(4096),
    models: z.array(channelModelSchema).min(1),
    weight: z.number().min(0).max(1000),
    priority: z.number().int().min(-1000).max(1000),
    max_concurrency: z.number().int().positive().nullable(),
    cache_ttl_s: channelSchema.shape.cache_ttl_s.unwrap(),
    enabled: z.boolean(),
  })
  .partial();

type ChannelModelInput = z.infer<typeof channelModelSchema>;

export const channelRoutes = new Hono<AppEnv>();

channelRoutes.get('/', async (c) => {
  const db = drizzle(c.env.DB);
  const [rows, links] = await db.batch([db.select().from(channels).orderBy(channels.id), db.select().from(channelModels)]);
  return c.json({ data: rows.map((row) => channelView(row, links.filter((link) => link.channel_id === row.id))) });
});

channelRoutes.post('/', async (c) => {
  const body = await parseBody(c, channelSchema);
  if (!body.ok) return body.response;
  const channel = body.value;
  const db = drizzle(c.env.DB);
  const exists = await db.select({ id: channels.id }).from(channels).where(eq(channels.id, channel.id)).limit(1);
  if (exists.length > 0) return invalid(c, 'id', `id: channel "${channel.id}" already exists`, 409);
  const unknown = await unknownModel(c.env.DB, channel.models);
  if (unknown) return invalid(c, unknown.path, `${unknown.path}: unknown model "${unknown.model}"`);
  const sealed = await (await credentialSealer(c.env))(channel.id, channel.api_key, 'api_key');
  if (!sealed.ok) return errorResponse(c, 'openai', sealed.error);
  const now = Date.now();
  await db.batch([
    db.insert(channels).values({
      id: channel.id,
      type: channel.type,
      base_url: channel.base_url.replace(/\/+$/, ''),
      api_key: sealed.value,
      weight: channel.weight,
      priority: channel.priority,
      max_concurrency: channel.max_concurrency,
      cache_ttl_s: channel.cache_ttl_s,
      enabled: channel.enabled,
    }),
    ...linkStatements(c.env.DB, channel.id, channel.models, now),
  ] as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  invalidateCaches(c, { catalog: true });
  return c.json(await loadView(c.env.DB, channel.id), 201);
});

// Before '/:id' routes: only the worker holds the keys, so rotation is an admin call.
channelRoutes.post('/rotate-credentials', rotateCredentialsRoute);

// "Test now": one real request through this channel alone, enabled or not (channel-test.ts).
channelRoutes.post('/:id/test', channelTestRoute);

channelRoutes.get('/:id', async (c) => {
  const view = await loadView(c.env.DB, c.req.param('id'));
  return view ? c.json(view) : notFound(c, 'channel', c.req.param('id'));
});

channelRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, patchSchema);
  if (!body.ok) return body.response;
  const id = c.req.param('id');
  const patch = body.value;
  const db = drizzle(c.env.DB);
  const exists = await db.select({ id: channels.id }).from(channels).where(eq(channels.id, id)).limit(1);
  if (exists.length === 0) return notFound(c, 'channel', id);
  if (patch.models) {
    const unknown = await unknownModel(c.env.DB, patch.models);
    if (unknown) return invalid(c, unknown.path, `${unknown.path}: unknown model "${unknown.model}"`);
  }
  const now = Date.now();
  const set: Partial<ChannelRow> = { updated_at: now };
  if (patch.api_key !== undefined) {
    const sealed = await (await credentialSealer(c.env))(id, patch.api_key, 'api_key');
    if (!sealed.ok) return errorResponse(c, 'openai', sealed.error);
    set.api_key = sealed.value;
  }
  if (patch.type !== undefined) set.type = patch.type;
  if (patch.base_url !== undefined) set.base_url = patch.base_url.replace(/\/+$/, '');
  if (patch.weight !== undefined) set.weight = patch.weight;
  if (patch.priority !== undefined) set.priority = patch.priority;
  if (patch.max_concurrency !== undefined) set.max_concurrency = patch.max_concurrency;
  if (patch.cache_ttl_s !== undefined) set.cache_ttl_s = patch.cache_ttl_s;
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  const statements: BatchItem<'sqlite'>[] = [db.update(channels).set(set).where(eq(channels.id, id))];
  if (patch.models) {
    statements.push(db.delete(channelModels).where(eq(channelModels.channel_id, id)), ...linkStatements(c.env.DB, id, patch.models, now));
  }
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  invalidateCaches(c, { catalog: true });
  return c.json(await loadView(c.env.DB, id));
});

channelRoutes.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const [row] = await drizzle(c.env.DB).update(channels).set({ enabled: false, updated_at: Date.now() }).where(eq(channels.id, id)).returning();
  if (!row) return notFound(c, 'channel', id);
  invalidateCaches(c, { catalog: true });
  return c.json(await loadView(c.env.DB, id));
});

function linkStatements(database: D1Database, channelId: string, entries: ChannelModelInput[], now: number): BatchItem<'sqlite'>[] {
  const db = drizzle(database);
  return entries.map((entry) =>
    db.insert(channelModels).values({
      channel_id: channelId,
      model_id: entry.model,
      upstream_model: entry.upstream_model ?? entry.model,
      ...priceColumns('cost', entry.cost),
      created_at: now,
      updated_at: now,
    }),
  );
}

async function unknownModel(database: D1Database, entries: ChannelModelInput[]): Promise<{ path: string; model: string } | null> {
  const ids = entries.map((entry) => entry.model);
  const duplicate = ids.findIndex((model, index) => ids.indexOf(model) !== index);
  if (duplicate >= 0) return { path: `models[${duplicate}].model`, model: ids[duplicate]! };
  const rows = await drizzle(database).select({ id: models.id }).from(models).where(inArray(models.id, ids));
  const known = new Set(rows.map((row) => row.id));
  const index = ids.findIndex((model) => !known.has(model));
  return index < 0 ? null : { path: `models[${index}].model`, model: ids[index]! };
}

export async function loadView(database: D1Database, id: string) {
  const db = drizzle(database);
  const [rows, links] = await db.batch([db.select().from(channels).where(eq(channels.id, id)).limit(1), db.select().from(channelModels).where(eq(channelModels.channel_id, id))]);
  return rows[0] ? channelView(rows[0], links) : null;
}

/** Everything but the credential (and its ciphertext): only how it is held. */
function channelView(row: ChannelRow, links: ChannelModelRow[]) {
  return {
    id: row.id,
    type: row.type,
    base_url: row.base_url,
    api_key_set: row.api_key !== '',
    credential: credentialView(row.api_key),
    models: links.map((link) => ({
      model: link.model_id,
      upstream_model: link.upstream_model,
      cost: storedPrice('cost', link),
    })),
    weight: row.weight,
    priority: row.priority,
    max_concurrency: row.max_concurrency,
    cache_ttl_s: row.cache_ttl_s,
    enabled: row.enabled,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * `{storage: 'encrypted', key_id}`, `{storage: 'env', name}`, `{storage: 'none'}`, or
 * `{storage: 'plaintext'}` for a row written before encryption (sealed by the next config
 * apply or `rotate-credentials`).
 */
function credentialView(stored: string) {
  const held = describeStored(stored);
  switch (held.kind) {
    case 'sealed':
      return { storage: 'encrypted' as const, key_id: held.key_id };
    case 'env':
      return { storage: 'env' as const, name: held.name };
    case 'none':
    case 'plaintext':
      return { storage: held.kind };
  }
}
