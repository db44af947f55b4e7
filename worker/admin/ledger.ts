// /admin/ledger: the D1 side of reconciliation. Per user: the balance, and the journal that
// must add up to it (opening + credits + debits), and what applied ledger batches debited.
import { Hono } from 'hono';
import { desc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { AppEnv } from '../env';
import { ledgerBatches } from '../db/schema';

export interface LedgerUserRow {
  user_id: string;
  balance_nanousd: number;
  opening_nanousd: number;
  credits_nanousd: number;
  /** Negative: Σ of the ledger's debit entries. */
  debits_nanousd: number;
  journal_nanousd: number;
}

export const ledgerAdminRoutes = new Hono<AppEnv>();

ledgerAdminRoutes.get('/summary', async (c) => {
  const [users, batches] = await c.env.DB.batch<Record<string, number | string>>([
    c.env.DB.prepare(
      `SELECT u.id AS user_id, u.balance_nanousd,
         coalesce(sum(e.amount_nanousd) FILTER (WHERE e.kind = 'opening'), 0) AS opening_nanousd,
         coalesce(sum(e.amount_nanousd) FILTER (WHERE e.kind = 'credit'), 0) AS credits_nanousd,
         coalesce(sum(e.amount_nanousd) FILTER (WHERE e.kind = 'debit'), 0) AS debits_nanousd,
         coalesce(sum(e.amount_nanousd), 0) AS journal_nanousd
       FROM users u LEFT JOIN balance_entries e ON e.user_id = u.id
       GROUP BY u.id ORDER BY u.id`,
    ),
    c.env.DB.prepare('SELECT count(*) AS batches, coalesce(sum(total_nanousd), 0) AS total_nanousd, coalesce(max(up_to_ts), 0) AS up_to_ts FROM ledger_batches'),
  ]);
  return c.json({ users: users!.results as unknown as LedgerUserRow[], batches: batches!.results[0] });
});

ledgerAdminRoutes.get('/batches', async (c) => {
  const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
  const rows = await drizzle(c.env.DB).select().from(ledgerBatches).orderBy(desc(ledgerBatches.applied_at)).limit(limit);
  return c.json({ data: rows });
});
