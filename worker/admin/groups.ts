// /admin/groups: price multiplier and routing policy per group of users.
import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { AppEnv } from '../env';
import { groupSchema, policyLayerSchema } from '../config/schema';
import { groups, users, type GroupRow } from '../db/schema';
import { invalid, invalidateCaches, notFound, parseBody, parseJsonObject } from './respond';

const patchSchema = groupSchema.omit({ id: true }).extend({ price_multiplier: groupSchema.shape.price_multiplier.unwrap(), routing: policyLayerSchema }).partial();

export const groupRoutes = new Hono<AppEnv>();

groupRoutes.get('/', async (c) => {
  const rows = await drizzle(c.env.DB).select().from(groups).orderBy(groups.id);
  return c.json({ data: rows.map(groupView) });
});

groupRoutes.post('/', async (c) => {
  const body = await parseBody(c, groupSchema);
  if (!body.ok) return body.response;
  const db = drizzle(c.env.DB);
  const exists = await db.select({ id: groups.id }).from(groups).where(eq(groups.id, body.value.id)).limit(1);
  if (exists.length > 0) return invalid(c, 'id', `id: group "${body.value.id}" already exists`, 409);
  const [row] = await db
    .insert(groups)
    .values({ id: body.value.id, price_multiplier: body.value.price_multiplier, routing: JSON.stringify(body.value.routing) })
    .returning();
  invalidateCaches(c, { catalog: true });
  return c.json(groupView(row!), 201);
});

groupRoutes.get('/:id', async (c) => {
  const [row] = await drizzle(c.env.DB).select().from(groups).where(eq(groups.id, c.req.param('id'))).limit(1);
  return row ? c.json(groupView(row)) : notFound(c, 'group', c.req.param('id'));
});

groupRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, patchSchema);
  if (!body.ok) return body.response;
  const set: Partial<GroupRow> = { updated_at: Date.now() };
  if (body.value.price_multiplier !== undefined) set.price_multiplier = body.value.price_multiplier;
  if (body.value.routing !== undefined) set.routing = JSON.stringify(body.value.routing);
  const [row] = await drizzle(c.env.DB).update(groups).set(set).where(eq(groups.id, c.req.param('id'))).returning();
  if (!row) return notFound(c, 'group', c.req.param('id'));
  invalidateCaches(c, { catalog: true });
  return c.json(groupView(row));
});

// Groups have no status: one can be deleted once no user belongs to it.
groupRoutes.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const db = drizzle(c.env.DB);
  if (id === 'default') return invalid(c, 'id', 'id: the default group cannot be deleted', 409);
  const members = await db.select({ id: users.id }).from(users).where(eq(users.group_id, id)).limit(1);
  if (members.length > 0) return invalid(c, 'id', `id: group "${id}" still has users`, 409);
  const [row] = await db.delete(groups).where(eq(groups.id, id)).returning();
  if (!row) return notFound(c, 'group', id);
  invalidateCaches(c, { catalog: true });
  return c.json({ id, deleted: true });
});

export function groupView(row: GroupRow) {
  return { id: row.id, price_multiplier: row.price_multiplier, routing: parseJsonObject(row.routing), created_at: row.created_at, updated_at: row.updated_at };
}
