// Ledger batches from the analytics node, applied to D1 exactly once. A batch names its id,
// the newest log time it covers and, per user, the amount to debit and the requests it
// covers. The batch row (primary key = id) and every debit with its journal entry go in one
// D1 transaction: a replay finds the row, or fails on it, and changes nothing. Then every
// user's account object hears the new balance and which requests it now includes — also on a
// replay, so a sync lost the first time is repaired by the analytics node's retry.
// Fencing (worker/cluster/): every statement of that transaction also requires the sender's
// lease term to be current, so a node that lost the analytics lease applies nothing.
import { z } from 'zod';
import type { Bindings } from '../env';
import { readBalance } from './balance';
import { syncAccount } from './account-client';
import { ANALYTICS_LEASE } from '../cluster/lease-rules';
import { fenceCondition } from '../cluster/lease-store';

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:/@-]+$/, 'letters, digits and . _ : / @ - only');

export const ledgerBatchSchema = z.strictObject({
  batch_id: id,
  up_to_ts: z.number().int().min(0),
  debits: z
    .array(
      z.strictObject({
        user_id: id,
        amount_nanousd: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        request_ids: z.array(z.string().min(1).max(128)).max(100_000),
      }),
    )
    .max(10_000),
});

export type LedgerBatch = z.infer<typeof ledgerBatchSchema>;

export type LedgerOutcome =
  | { ok: true; batch_id: string; applied: boolean; users: number; total_nanousd: number; synced: boolean }
  | { ok: false; reason: 'unknown_users' | 'duplicate_users'; users: string[] }
  | { ok: false; reason: 'stale_term'; users: string[] };

/** The analytics lease term the batch was sent under; null: a node that uses no lease. */
export interface LedgerFence {
  term: number | null;
}

export async function applyLedgerBatch(env: Bindings, batch: LedgerBatch, now: number, fence: LedgerFence = { term: null }): Promise<LedgerOutcome> {
  const db = env.DB;
  const userIds = batch.debits.map((debit) => debit.user_id);
  const duplicates = userIds.filter((user, index) => userIds.indexOf(user) !== index);
  if (duplicates.length > 0) return { ok: false, reason: 'duplicate_users', users: [...new Set(duplicates)] };
  const total = batch.debits.reduce((sum, debit) => sum + debit.amount_nanousd, 0);

  let applied = false;
  const known = await db.prepare('SELECT 1 AS n FROM ledger_batches WHERE id = ?').bind(batch.batch_id).first();
  if (!known) {
    const missing = await db
      .prepare('SELECT value AS id FROM json_each(?) WHERE value NOT IN (SELECT id FROM users)')
      .bind(JSON.stringify(userIds))
      .all<{ id: string }>();
    if (missing.results.length > 0) return { ok: false, reason: 'unknown_users', users: missing.results.map((row) => row.id) };
    const fenced = [ANALYTICS_LEASE, fence.term, now] as const;
    const statements = [
      db
        .prepare(`INSERT INTO ledger_batches (id, up_to_ts, total_nanousd, requests, users, applied_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${fenceCondition(7)}`)
        .bind(batch.batch_id, batch.up_to_ts, total, batch.debits.reduce((sum, debit) => sum + debit.request_ids.length, 0), batch.debits.length, now, ...fenced),
    ];
    // Three statements whatever the number of users: the debits travel as one JSON parameter.
    const debits = JSON.stringify(batch.debits.filter((debit) => debit.amount_nanousd > 0).map((debit) => ({ user_id: debit.user_id, amount: debit.amount_nanousd })));
    statements.push(
      db
        .prepare(
          `UPDATE users SET balance_nanousd = balance_nanousd - d.amount, updated_at = ?1
           FROM (SELECT json_extract(value, '$.user_id') AS user_id, json_extract(value, '$.amount') AS amount FROM json_each(?2)) AS d
           WHERE users.id = d.user_id AND ${fenceCondition(3)}`,
        )
        .bind(now, debits, ...fenced),
      db
        .prepare(
          `INSERT INTO balance_entries (user_id, kind, amount_nanousd, reference, note, created_at)
           SELECT json_extract(value, '$.user_id'), 'debit', -json_extract(value, '$.amount'), ?1, 'ledger batch', ?2 FROM json_each(?3)
           WHERE ${fenceCondition(4)}`,
        )
        .bind(batch.batch_id, now, debits, ...fenced),
    );
    try {
      const results = await db.batch(statements);
      // The batch row is written unless the fence refused it, and then nothing was written.
      if (results[0]?.meta.changes !== 1) return { ok: false, reason: 'stale_term', users: [] };
      applied = true;
    } catch (error) {
      // A concurrent delivery of the same batch won the primary key: nothing was changed here.
      if (!(await db.prepare('SELECT 1 AS n FROM ledger_batches WHERE id = ?').bind(batch.batch_id).first())) throw error;
    }
  }

  const synced = await Promise.all(
    batch.debits.map(async (debit) => syncAccount(env, debit.user_id, await readBalance(db, debit.user_id), debit.request_ids, now)),
  );
  return { ok: true, batch_id: batch.batch_id, applied, users: batch.debits.length, total_nanousd: total, synced: synced.every(Boolean) };
}
