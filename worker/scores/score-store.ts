// The scoring table the analytics node pushes (or the cron pulls): kept in D1 so every
// isolate sees it, and cached per isolate as a Map ready for the router.
import { z } from 'zod';
import { drizzle } from 'drizzle-orm/d1';
import { eq, sql } from 'drizzle-orm';
import { scoreTables } from '../db/schema';
import type { ChannelScore, ScoreTable } from '../core/types';
import { ScoreIndex } from '../core/routing/score-index';

const nullableNumber = z.number().finite().nullable();

export const scoreTableSchema = z.object({
  version: z.number().int().nonnegative(),
  computed_at: z.number().nonnegative(),
  window_s: z.number().positive(),
  entries: z
    .array(
      z.object({
        channel_id: z.string().min(1),
        model: z.string().min(1),
        success_p: z.number().min(0).max(1),
        ttft_p50_ms: nullableNumber,
        ttft_p95_ms: nullableNumber,
        tokens_per_s: nullableNumber,
        error_mix: z.object({ rate_limit: z.number(), server: z.number(), timeout: z.number(), connection: z.number() }),
        samples: z.number().nonnegative(),
        last_ts: z.number().nonnegative(),
        down: z.boolean(),
      }),
    )
    .max(100_000),
});

export interface ScoreSnapshot {
  table: ScoreTable | null;
  map: ReadonlyMap<string, ChannelScore>;
  /** When this isolate last received or read the table (epoch ms). */
  received_at: number;
}

const EMPTY: ScoreSnapshot = { table: null, map: new ScoreIndex([]), received_at: 0 };

export class ScoreStore {
  #snapshot: ScoreSnapshot = EMPTY;
  #checked_at = 0;

  /** How often an isolate re-reads D1 for a table pushed to another isolate. */
  constructor(private readonly refreshMs: number) {}

  /**
   * The current snapshot; re-reads D1 at most every refreshMs. The request that finds it due
   * does the read itself (one small row): a read shared across requests would hang them all
   * if the request that owns its I/O were cancelled.
   */
  async get(database: D1Database, now: number): Promise<ScoreSnapshot> {
    if (now - this.#checked_at < this.refreshMs) return this.#snapshot;
    this.#checked_at = now;
    try {
      return await this.#read(database, now);
    } catch {
      return this.#snapshot; // D1 briefly unreachable: route on what we have
    }
  }

  async #read(database: D1Database, _now: number): Promise<ScoreSnapshot> {
    const rows = await drizzle(database).select().from(scoreTables).where(eq(scoreTables.id, 1)).limit(1);
    const row = rows[0];
    if (row && (!this.#snapshot.table || row.version > this.#snapshot.table.version)) {
      const parsed = scoreTableSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) this.#set(parsed.data, row.received_at);
    }
    return this.#snapshot;
  }

  /** Store a pushed or pulled table; older versions are ignored. Returns false when stale. */
  async save(database: D1Database, table: ScoreTable, now: number): Promise<boolean> {
    if (this.#snapshot.table && table.version < this.#snapshot.table.version) return false;
    await drizzle(database)
      .insert(scoreTables)
      .values({ id: 1, version: table.version, computed_at: table.computed_at, received_at: now, body: JSON.stringify(table) })
      .onConflictDoUpdate({
        target: scoreTables.id,
        set: { version: table.version, computed_at: table.computed_at, received_at: now, body: sql`excluded.body` },
        setWhere: sql`excluded.version >= ${scoreTables.version}`,
      });
    this.#set(table, now);
    this.#checked_at = now;
    return true;
  }

  /** When D1 last received a table (any isolate), for the cron's "missed push" check. */
  async lastReceivedAt(database: D1Database): Promise<number> {
    const rows = await drizzle(database).select({ received_at: scoreTables.received_at }).from(scoreTables).limit(1);
    return rows[0]?.received_at ?? 0;
  }

  #set(table: ScoreTable, received_at: number): void {
    // Indexed once per table (every few seconds), so the router finds each candidate's score
    // without building a key per candidate per request.
    this.#snapshot = { table, map: new ScoreIndex(table.entries), received_at };
  }
}
