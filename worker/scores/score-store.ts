// The scoring table the analytics node pushes (or the cron pulls): kept in D1 so every
// isolate sees it, and cached per isolate as a Map ready for the router.
import { z } from 'zod';
import { drizzle } from 'drizzle-orm/d1';
import { eq, sql } from 'drizzle-orm';
import { scoreTables } from '../db/schema';
import type { ChannelScore, ScoreTable } from '../core/types';
import { ScoreIndex } from '../core/routing/score-index';
import { traced } from '../logs/wait-trace';

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
        // Newer nodes (issue 14): the hedge trigger, learned cache behaviour, cluster load.
        // Optional so an older node's push still parses; kept, not stripped, so the router sees them.
        ttft_p90_ms: nullableNumber.optional(),
        cache_hit_rate: z.number().min(0).max(1).nullable().optional(),
        cached_ttft_p50_ms: nullableNumber.optional(),
        in_flight: z.number().finite().nonnegative().nullable().optional(),
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

/** The one row of `score_tables` a refresh needs. */
export interface StoredScoreRow {
  version: number;
  received_at: number;
  body: string;
}

async function readScoreRow(database: D1Database): Promise<StoredScoreRow | undefined> {
  const rows = await drizzle(database).select().from(scoreTables).where(eq(scoreTables.id, 1)).limit(1);
  return rows[0];
}

const EMPTY: ScoreSnapshot = { table: null, map: new ScoreIndex([]), received_at: 0 };

export class ScoreStore {
  #snapshot: ScoreSnapshot = EMPTY;
  #checked_at = 0;

  constructor(
    /** How often an isolate re-reads D1 for a table pushed to another isolate. */
    private readonly refreshMs: number,
    private readonly readRow: (database: D1Database) => Promise<StoredScoreRow | undefined> = readScoreRow,
  ) {}

  /**
   * The current snapshot; re-reads D1 at most every refreshMs, in the background: the request
   * that finds it due starts the read (under its own waitUntil when given) and routes on the
   * snapshot it has, as every other request does meanwhile. Awaiting the read put one D1
   * round trip a second on the request path, about 1 % of requests at 100 req/s: the p99
   * (docs/perf-notes-tail.md). Nobody awaits another request's read (that would hang them
   * all if the request owning its I/O were cancelled); a read that is cancelled or fails
   * leaves the snapshot for one more refreshMs. Only a cold isolate, which has read nothing
   * yet, waits for its first read.
   */
  async get(database: D1Database, now: number, waitUntil?: (promise: Promise<unknown>) => void): Promise<ScoreSnapshot> {
    if (now - this.#checked_at < this.refreshMs) return this.#snapshot;
    const cold = this.#checked_at === 0;
    this.#checked_at = now;
    // D1 briefly unreachable: route on what we have.
    const read = this.#read(database, now).catch(() => this.#snapshot);
    if (cold) return read;
    waitUntil?.(read);
    return this.#snapshot;
  }

  async #read(database: D1Database, _now: number): Promise<ScoreSnapshot> {
    const row = await traced('scores-read', () => this.readRow(database));
    if (row && (!this.#snapshot.table || row.version > this.#snapshot.table.version)) {
      const parsed = scoreTableSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) this.#set(parsed.data, row.received_at);
    }
    return this.#snapshot;
  }

  /**
   * Store a pushed or pulled table; older versions are ignored. Returns false when stale:
   * older than this isolate's table, or than the one D1 holds (another isolate stored a newer
   * one, or a node that lost the analytics lease pushed late): the newest version wins
   * everywhere, whichever analytics node numbered it (docs/analytics-cluster.md).
   */
  async save(database: D1Database, table: ScoreTable, now: number): Promise<boolean> {
    if (this.#snapshot.table && table.version < this.#snapshot.table.version) return false;
    const written = await drizzle(database)
      .insert(scoreTables)
      .values({ id: 1, version: table.version, computed_at: table.computed_at, received_at: now, body: JSON.stringify(table) })
      .onConflictDoUpdate({
        target: scoreTables.id,
        set: { version: table.version, computed_at: table.computed_at, received_at: now, body: sql`excluded.body` },
        setWhere: sql`excluded.version >= ${scoreTables.version}`,
      })
      .returning({ version: scoreTables.version });
    if (written.length === 0) return false;
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
