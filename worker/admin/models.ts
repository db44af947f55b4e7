// /admin/models: the catalog and its prices (USD per million tokens, before the group
// multiplier). Disabling (DELETE) keeps the row: old log records and reports name it.
import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { modelSchema, tokenPriceSchema } from '../config/schema';
import { models, type ModelRow } from '../db/schema';
import { priceColumns, storedPrice } from '../db/price-columns';
import { invalid, invalidateCaches, notFound, parseBody, parseJsonArray } from './respond';

const patchSchema = z
  .strictObject({
    aliases: modelSchema.shape.aliases.unwrap(),
    price: tokenPriceSchema,
    context_length: z.number().int().positive().nullable(),
    capabilities: modelSchema.shape.capabilities.unwrap(),
    enabled: z.boolean(),
  })
  .partial();

export const modelRoutes = new Hono<AppEnv>();

modelRoutes.get('/', async (c) => {
  const rows = await drizzle(c.env.DB).select().from(models).orderBy(models.id);
  return c.json({ data: rows.map(modelView) });
});

modelRoutes.post('/', async (c) => {
  const body = await parseBody(c, modelSchema);
  if (!body.ok) return body.response;
  const model = body.value;
  const db = drizzle(c.env.DB);
  const taken = await nameTaken(c.env.DB, [model.id, ...model.aliases], null);
  if (taken) return invalid(c, taken === model.id ? 'id' : 'aliases', `${taken === model.id ? 'id' : 'aliases'}: the name "${taken}" is already used`, 409);
  const [row] = await db
    .insert(models)
    .values({
      id: model.id,
      aliases: JSON.stringify(model.aliases),
      ...priceColumns('price', model.price),
      context_length: model.context_length ?? null,
      capabilities: JSON.stringify(model.capabilities),
      enabled: model.enabled,
    })
    .returning();
  invalidateCaches(c, { catalog: true });
  return c.json(modelView(row!), 201);
});

modelRoutes.get('/:id', async (c) => {
  const [row] = await drizzle(c.env.DB).select().from(models).where(eq(models.id, c.req.param('id'))).limit(1);
  return row ? c.json(modelView(row)) : notFound(c, 'model', c.req.param('id'));
});

modelRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, patchSchema);
  if (!body.ok) return body.response;
  const id = c.req.param('id');
  const patch = body.value;
  if (patch.aliases !== undefined) {
    const taken = await nameTaken(c.env.DB, patch.aliases, id);
    if (taken) return invalid(c, 'aliases', `aliases: the name "${taken}" is already used`, 409);
  }
  const set: Partial<ModelRow> = { updated_at: Date.now() };
  if (patch.aliases !== undefined) set.aliases = JSON.stringify(patch.aliases);
  if (patch.price !== undefined) Object.assign(set, priceColumns('price', patch.price));
  if (patch.context_length !== undefined) set.context_length = patch.context_length;
  if (patch.capabilities !== undefined) set.capabilities = JSON.stringify(patch.capabilities);
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  const [row] = await drizzle(c.env.DB).update(models).set(set).where(eq(models.id, id)).returning();
  if (!row) return notFound(c, 'model', id);
  invalidateCaches(c, { catalog: true });
  return c.json(modelView(row));
});

modelRoutes.delete('/:id', async (c) => {
  const [row] = await drizzle(c.env.DB).update(models).set({ enabled: false, updated_at: Date.now() }).where(eq(models.id, c.req.param('id'))).returning();
  if (!row) return notFound(c, 'model', c.req.param('id'));
  invalidateCaches(c, { catalog: true });
  return c.json(modelView(row));
});

/** The first of `names` another model already uses as its id or an alias. */
async function nameTaken(db: D1Database, names: string[], except: string | null): Promise<string | null> {
  const rows = await drizzle(db).select({ id: models.id, aliases: models.aliases }).from(models);
  const used = new Set<string>();
  for (const row of rows) {
    if (row.id === except) continue;
    used.add(row.id);
    for (const alias of parseJsonArray(row.aliases)) if (typeof alias === 'string') used.add(alias);
  }
  if (except !== null) {
    // A model's aliases may not shadow its own id either.
    if (names.includes(except)) return except;
  }
  return names.find((name) => used.has(name)) ?? null;
}

export function modelView(row: ModelRow) {
  return {
    id: row.id,
    aliases: parseJsonArray(row.aliases),
    price: storedPrice('price', row),
    context_length: row.context_length,
    capabilities: parseJsonArray(row.capabilities),
    enabled: row.enabled,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
