// /admin/ledger: the D1 side of reconciliation. Per user: the balance, and the journal that
// must add up to it (opening + credits + debits), and what applied ledger batches debited.
import { Hono } from 'hono';
import { desc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { ledgerBatches } from '../db/schema';
import { errorResponse } from '../pipeline/respond';

export interface LedgerUserRow {
  user_id: string;
  balance_nanousd: number;
  opening_nanousd: number;
  credits_nanousd: number;
  /** Negative: Σ of the ledger's debit entries. */
  debits_nanousd: number;
  journal_nanousd: number;
}

// Raw SQL rows are untyped: parse them rather than cast, so a renamed column is an error here
// and not a silently missing field in the reconciliation report.
const ledgerUserRows = z.array(
  z.object({
    user_id: z.string(),
    balance_nanousd: z.number(),
    opening_nanousd: z.number(),
    credits_nanousd: z.number(),
    debits_nanousd: z.number(),
    journal_nanousd: z.number(),
  }) satisfies z.ZodType<LedgerUserRow>,
);
const batchTotals = z.object({ batches: z.number(), total_nanousd: z.number(), up_to_ts: z.number() });

export const ledgerAdminRoutes = new Hono<AppEnv>();

ledgerAdminRoutes.get('/summary', async (c) => {
  const [users, batches] = await c.env.DB.batch<unknown>([
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
  const rows = ledgerUserRows.safeParse(users?.results);
  const totals = batchTotals.safeParse(batches?.results[0]);
  if (!rows.success || !totals.success) {
    const issue = (rows.success ? undefined : rows.error.issues[0]) ?? (totals.success ? undefined : totals.error.issues[0]);
    console.error(`ledger summary: unexpected row shape at ${issue?.path.map(String).join('.') ?? '?'}: ${issue?.message ?? ''}`);
    return errorResponse(c, 'openai', { kind: 'internal', message: 'The ledger summary query returned rows of an unexpected shape.' });
  }
  return c.json({ users: rows.data, batches: totals.data });
});

ledgerAdminRoutes.get('/batches', async (c) => {
  const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
  const rows = await drizzle(c.env.DB).select().from(ledgerBatches).orderBy(desc(ledgerBatches.applied_at)).limit(limit);
  return c.json({ data: rows });
});
