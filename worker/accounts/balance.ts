// Balances in D1: read with their journal version, credit through the journal. Every change
// to users.balance_nanousd goes with a balance_entries row in the same D1 batch.
export interface VersionedBalance {
  balance_nanousd: number;
  /** Id of the newest journal entry of this user (0 when none). */
  version: number;
  exists: boolean;
}

export async function readBalance(db: D1Database, userId: string): Promise<VersionedBalance> {
  const row = await db
    .prepare(
      `SELECT balance_nanousd, (SELECT coalesce(max(id), 0) FROM balance_entries WHERE user_id = ?1) AS version
       FROM users WHERE id = ?1`,
    )
    .bind(userId)
    .first<{ balance_nanousd: number; version: number }>();
  if (!row) return { balance_nanousd: 0, version: 0, exists: false };
  return { balance_nanousd: Number(row.balance_nanousd), version: Number(row.version), exists: true };
}

/** Add (or, negative, remove) credit: the balance and its journal entry change together. */
export async function creditBalance(db: D1Database, userId: string, amountNanousd: number, reference: string, note: string, now: number): Promise<VersionedBalance> {
  await db.batch([
    db.prepare('UPDATE users SET balance_nanousd = balance_nanousd + ?, updated_at = ? WHERE id = ?').bind(amountNanousd, now, userId),
    db
      .prepare("INSERT INTO balance_entries (user_id, kind, amount_nanousd, reference, note, created_at) VALUES (?, 'credit', ?, ?, ?, ?)")
      .bind(userId, amountNanousd, reference, note, now),
  ]);
  return readBalance(db, userId);
}
