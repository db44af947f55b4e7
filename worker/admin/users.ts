// /admin/users: accounts, their balance (changed only through credits and the ledger), the
// journal of every balance change, and the live view of their account object.
import { Hono } from 'hono';
import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv, Bindings } from '../env';
import { userSchema } from '../config/schema';
import { balanceEntries, groups, users, type UserRow } from '../db/schema';
import { creditBalance } from '../accounts/balance';
import { accountOf, syncAccount } from '../accounts/account-client';
import { nanoToUsd, usdToNano } from '../accounts/account-types';
import { randomId } from '../util/crypto';
import { invalid, invalidateCaches, notFound, parseBody } from './respond';

const patchSchema = z
  .strictObject({
    group: userSchema.shape.group.unwrap(),
    budget_monthly_usd: z.number().min(0).nullable(),
    status: z.enum(['active', 'disabled']),
  })
  .partial();

const creditSchema = z.strictObject({
  amount_usd: z
    .number()
    .finite()
    .min(-1e9)
    .max(1e9)
    .refine((value) => value !== 0, 'must not be zero'),
  note: z.string().max(500).default(''),
});

export const userRoutes = new Hono<AppEnv>();

userRoutes.get('/', async (c) => {
  const group = c.req.query('group');
  const db = drizzle(c.env.DB);
  const rows = await (group ? db.select().from(users).where(eq(users.group_id, group)) : db.select().from(users)).orderBy(users.id);
  return c.json({ data: rows.map(userView) });
});

userRoutes.post('/', async (c) => {
  const body = await parseBody(c, userSchema);
  if (!body.ok) return body.response;
  const db = drizzle(c.env.DB);
  const user = body.value;
  if (!(await groupExists(c.env.DB, user.group))) return invalid(c, 'group', `group: unknown group "${user.group}"`);
  const exists = await db.select({ id: users.id }).from(users).where(eq(users.id, user.id)).limit(1);
  if (exists.length > 0) return invalid(c, 'id', `id: user "${user.id}" already exists`, 409);
  // The opening balance enters the journal through the users_opening_balance trigger.
  const [row] = await db
    .insert(users)
    .values({ id: user.id, group_id: user.group, balance_nanousd: usdToNano(user.balance_usd), budget_monthly_usd: user.budget_monthly_usd })
    .returning();
  return c.json(userView(row!), 201);
});

userRoutes.get('/:id', async (c) => {
  const row = await loadUser(c.env.DB, c.req.param('id'));
  if (!row) return notFound(c, 'user', c.req.param('id'));
  return c.json(await userDetail(c.env, row));
});

userRoutes.patch('/:id', async (c) => {
  const body = await parseBody(c, patchSchema);
  if (!body.ok) return body.response;
  const patch = body.value;
  if (patch.group !== undefined && !(await groupExists(c.env.DB, patch.group))) return invalid(c, 'group', `group: unknown group "${patch.group}"`);
  const set: Partial<UserRow> = { updated_at: Date.now() };
  if (patch.group !== undefined) set.group_id = patch.group;
  if (patch.budget_monthly_usd !== undefined) set.budget_monthly_usd = patch.budget_monthly_usd;
  if (patch.status !== undefined) set.status = patch.status;
  const [row] = await drizzle(c.env.DB).update(users).set(set).where(eq(users.id, c.req.param('id'))).returning();
  if (!row) return notFound(c, 'user', c.req.param('id'));
  invalidateCaches(c, { keys: true });
  return c.json(userView(row));
});

/** Disable (users are never deleted: the ledger and the journal refer to them). */
userRoutes.delete('/:id', async (c) => {
  const [row] = await drizzle(c.env.DB)
    .update(users)
    .set({ status: 'disabled', updated_at: Date.now() })
    .where(eq(users.id, c.req.param('id')))
    .returning();
  if (!row) return notFound(c, 'user', c.req.param('id'));
  invalidateCaches(c, { keys: true });
  return c.json(userView(row));
});

userRoutes.post('/:id/credits', async (c) => {
  const body = await parseBody(c, creditSchema);
  if (!body.ok) return body.response;
  const id = c.req.param('id');
  const [row] = await drizzle(c.env.DB).select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1);
  if (!row) return notFound(c, 'user', id);
  const now = Date.now();
  const reference = randomId('cr_', 8);
  const balance = await creditBalance(c.env.DB, id, usdToNano(body.value.amount_usd), reference, body.value.note, now);
  // The account object sees the new balance at once; if it cannot be told now, it keeps the
  // older (lower) view until the next sync: never more spend than the balance allows.
  const synced = await syncAccount(c.env, id, balance, [], now);
  // This isolate asks the object again at once rather than repeating a refusal it remembers.
  c.get('state').leases.forgetRefusals(id);
  return c.json({ user_id: id, credit_id: reference, amount_usd: body.value.amount_usd, balance_usd: nanoToUsd(balance.balance_nanousd), synced }, 201);
});

userRoutes.get('/:id/ledger', async (c) => {
  return c.json({ data: await journalOf(c.env.DB, c.req.param('id'), c.req.query('limit')) });
});

export async function loadUser(database: D1Database, id: string): Promise<UserRow | null> {
  const [row] = await drizzle(database).select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** The stored view plus `account`: what the user's account object holds now (null if unreachable). */
export async function userDetail(env: Bindings, row: UserRow) {
  let account: Record<string, number> | null = null;
  try {
    const status = await accountOf(env, row.id).status({ user_id: row.id, key_id: '', now: Date.now() });
    account = {
      available_usd: nanoToUsd(status.available_nanousd),
      reserved_usd: nanoToUsd(status.reserved_nanousd),
      unledgered_usd: nanoToUsd(status.unledgered_nanousd),
      open_reservations: status.open_reservations,
      month_spend_usd: nanoToUsd(status.user_month_nanousd),
    };
  } catch {
    // The stored view is still worth answering with.
  }
  return { ...userView(row), account };
}

/** The user's balance journal, newest first (`limit` 1–1000, default 100). */
export async function journalOf(database: D1Database, id: string, limitText: string | undefined) {
  const limit = Math.min(1000, Math.max(1, Number(limitText ?? 100) || 100));
  const rows = await drizzle(database).select().from(balanceEntries).where(eq(balanceEntries.user_id, id)).orderBy(desc(balanceEntries.id)).limit(limit);
  return rows.map((row) => ({ id: row.id, kind: row.kind, amount_usd: nanoToUsd(row.amount_nanousd), amount_nanousd: row.amount_nanousd, reference: row.reference, note: row.note, created_at: row.created_at }));
}

async function groupExists(db: D1Database, id: string): Promise<boolean> {
  const rows = await drizzle(db).select({ id: groups.id }).from(groups).where(eq(groups.id, id)).limit(1);
  return rows.length > 0;
}

export function userView(row: UserRow) {
  return {
    id: row.id,
    group: row.group_id,
    balance_usd: nanoToUsd(row.balance_nanousd),
    balance_nanousd: row.balance_nanousd,
    budget_monthly_usd: row.budget_monthly_usd,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
