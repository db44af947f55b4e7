// The analytics lease in D1: read the row, decide (lease-rules.ts), write with a
// compare-and-set on the row that was read. D1 has one primary that runs each statement
// atomically, so of two nodes deciding on the same row only one write changes it; the other
// reads again and decides on what the winner wrote.
import type { Result } from '../protocols/types';
import { decideLease, fenceAllows, type LeaseChange, type LeaseRequest, type LeaseRow } from './lease-rules';

export interface LeaseAnswer {
  leader: boolean;
  holder: string;
  term: number;
  expires_at: number;
  change: LeaseChange;
  /**
   * The newest score table version the worker holds: a new leader numbers its tables past it,
   * so versions keep growing across leaders whatever their clocks say (docs/analytics-cluster.md).
   */
  score_version: number;
}

const ATTEMPTS = 4;

export async function readLease(db: D1Database, name: string): Promise<LeaseRow | null> {
  const row = await db
    .prepare('SELECT name, holder, term, expires_at FROM analytics_lease WHERE name = ?')
    .bind(name)
    .first<LeaseRow>();
  return row ?? null;
}

export async function askForLease(db: D1Database, name: string, request: LeaseRequest, nowMs: number): Promise<Result<LeaseAnswer, string>> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await readLease(db, name);
    const decision = decideLease(current, name, request, nowMs);
    const written = decision.change === 'refused' || (await writeIfUnchanged(db, current, decision.row, nowMs));
    if (written) {
      const { holder, term, expires_at } = decision.row;
      return { ok: true, value: { leader: decision.leader, holder, term, expires_at, change: decision.change, score_version: await scoreVersion(db) } };
    }
    // Another node changed the row between our read and our write: decide again on its row.
  }
  return { ok: false, error: 'the lease kept changing under this request; ask again' };
}

/** Whether an action sent under `term` may proceed now (lease-rules.ts fenceAllows). */
export async function fenceCheck(db: D1Database, name: string, term: number | null, nowMs: number): Promise<{ allowed: boolean; current_term: number | null }> {
  const current = await readLease(db, name);
  return { allowed: fenceAllows(current, term, nowMs), current_term: current?.term ?? null };
}

/**
 * The same rule as fenceAllows, as a SQL condition for a statement inside a D1 transaction
 * (the ledger's), so that the check and the write see one state of the lease. `?F1` is the
 * lease name, `?F2` the term (or null), `?F3` now; callers append these three parameters.
 */
export function fenceCondition(firstParameter: number): string {
  const [name, term, now] = [firstParameter, firstParameter + 1, firstParameter + 2].map((index) => `?${index}`);
  return `(CASE WHEN ${term} IS NULL
            THEN NOT EXISTS (SELECT 1 FROM analytics_lease WHERE name = ${name} AND expires_at > ${now})
            ELSE EXISTS (SELECT 1 FROM analytics_lease WHERE name = ${name} AND term = ${term}) END)`;
}

async function writeIfUnchanged(db: D1Database, before: LeaseRow | null, after: LeaseRow, nowMs: number): Promise<boolean> {
  if (before === null) {
    const inserted = await db
      .prepare('INSERT INTO analytics_lease (name, holder, term, expires_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .bind(after.name, after.holder, after.term, after.expires_at, Math.trunc(nowMs))
      .run();
    return inserted.meta.changes === 1;
  }
  const updated = await db
    .prepare(
      `UPDATE analytics_lease SET holder = ?, term = ?, expires_at = ?, updated_at = ?
       WHERE name = ? AND holder = ? AND term = ? AND expires_at = ?`,
    )
    .bind(after.holder, after.term, after.expires_at, Math.trunc(nowMs), before.name, before.holder, before.term, before.expires_at)
    .run();
  return updated.meta.changes === 1;
}

async function scoreVersion(db: D1Database): Promise<number> {
  const row = await db.prepare('SELECT version FROM score_tables WHERE id = 1').first<{ version: number }>();
  return row?.version ?? 0;
}
