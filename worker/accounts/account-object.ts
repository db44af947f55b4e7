// One Durable Object per user (SQLite-backed): the single place where that user's money and
// limits are decided, so concurrent requests from any isolate are admitted one at a time.
// It holds the D1 balance as of the last ledger write or credit it heard of (with that
// balance's journal version), what was settled since and is not yet in a ledger batch, open
// reservations (expiring after RESERVATION_TTL_MS so a crashed request cannot hold money for
// ever), spend per budget period, and every key's requests of the last minute (RPM / TPM).
// Every method is synchronous over this object's SQLite, hence atomic, except the first
// load of the balance from D1, which blocks other calls while it runs.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';
import type { AccountStatus, AdmitInput, AdmitResult, BalanceSync, SettleInput } from './account-types';
import { checkRate, RATE_WINDOW_MS, type Hit } from './rate-window';
import { dayOf, monthOf } from './periods';
import { readBalance } from './balance';
import { refusalMessage } from './refusals';

export const RESERVATION_TTL_MS = 10 * 60_000;
/** Settled charges no ledger batch claimed by then are dropped (their log record was lost). */
export const SETTLED_TTL_MS = 24 * 60 * 60_000;
const CLEANUP_EVERY_MS = 60_000;

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)',
  `CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, amount INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (expires_at)',
  // One row per request that settled here (booked = 1) or that a ledger batch claimed
  // (ledgered = 1), whichever came first; unledgered spend = booked and not ledgered.
  `CREATE TABLE IF NOT EXISTS settled (request_id TEXT PRIMARY KEY, amount INTEGER NOT NULL, at INTEGER NOT NULL,
     booked INTEGER NOT NULL, ledgered INTEGER NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS settled_at ON settled (at)',
  'CREATE TABLE IF NOT EXISTS spend (scope TEXT NOT NULL, period TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (scope, period))',
  'CREATE TABLE IF NOT EXISTS hits (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, at INTEGER NOT NULL, tokens INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS hits_key ON hits (key_id, at)',
];

export class AccountObject extends DurableObject<Bindings> {
  readonly #sql: SqlStorage;
  #cleanedAt = 0;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.#sql.exec(statement);
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    await this.#ensureLoaded(input.user_id);
    const now = input.now;
    this.#expire(now);

    const hits = this.#hits(input.key_id, now);
    const rate = checkRate(hits, now, input.limits.rpm, input.limits.tpm, input.input_tokens);
    if (!rate.ok) {
      return { ok: false, reason: rate.limit, retry_after_ms: rate.retry_after_ms, message: refusalMessage(rate.limit, input.limits, rate.never === true) };
    }

    const reserve = Math.max(0, Math.ceil(input.reserve_nanousd));
    const keyScope = `key:${input.key_id}`;
    const budgets: Array<[limit: number | null, spent: number, reserved: number, reason: 'key_daily_budget' | 'key_monthly_budget' | 'user_monthly_budget']> = [
      [input.limits.key_daily_nanousd, this.#spent(keyScope, dayOf(now)), this.#reserved(input.key_id), 'key_daily_budget'],
      [input.limits.key_monthly_nanousd, this.#spent(keyScope, monthOf(now)), this.#reserved(input.key_id), 'key_monthly_budget'],
      [input.limits.user_monthly_nanousd, this.#spent('user', monthOf(now)), this.#reserved(null), 'user_monthly_budget'],
    ];
    for (const [limit, spent, reserved, reason] of budgets) {
      if (limit !== null && (spent + reserved + reserve > limit || spent + reserved >= limit)) {
        return { ok: false, reason, message: refusalMessage(reason, input.limits, false) };
      }
    }

    const available = this.#available();
    if (available <= 0 || reserve > available) return { ok: false, reason: 'balance', message: refusalMessage('balance', input.limits, false) };

    this.#sql.exec(
      'INSERT OR REPLACE INTO reservations (request_id, key_id, amount, input_tokens, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      input.request_id, input.key_id, reserve, input.input_tokens, now, now + RESERVATION_TTL_MS,
    );
    this.#sql.exec('INSERT OR REPLACE INTO hits (request_id, key_id, at, tokens) VALUES (?, ?, ?, ?)', input.request_id, input.key_id, now, input.input_tokens);
    return { ok: true, available_nanousd: available - reserve };
  }

  /** Release the reservation and book what the request cost. Safe to call twice. */
  async settle(input: SettleInput): Promise<void> {
    await this.#ensureLoaded(input.user_id);
    this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', input.request_id);
    this.#sql.exec('UPDATE hits SET tokens = ? WHERE request_id = ?', Math.max(0, Math.round(input.tokens)), input.request_id);
    const charge = Math.max(0, Math.round(input.charge_nanousd));
    if (charge === 0) return;
    const row = this.#sql.exec<{ booked: number }>('SELECT booked FROM settled WHERE request_id = ?', input.request_id).toArray()[0];
    if (row?.booked === 1) return;
    // A ledger batch may have claimed this request before it settled here (ledgered = 1):
    // then the D1 balance already includes it and only the budget windows need the charge.
    this.#sql.exec(
      `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, ?, ?, 1, 0)
       ON CONFLICT (request_id) DO UPDATE SET amount = excluded.amount, booked = 1`,
      input.request_id, charge, input.now,
    );
    const keyScope = `key:${input.key_id}`;
    this.#addSpend('user', monthOf(input.now), charge);
    this.#addSpend(keyScope, dayOf(input.now), charge);
    this.#addSpend(keyScope, monthOf(input.now), charge);
    this.#addSpend(keyScope, 'all', charge);
  }

  /** A ledger batch or a credit changed the D1 balance. Older versions than held are ignored. */
  async syncBalance(input: BalanceSync): Promise<void> {
    await this.#ensureLoaded(input.user_id);
    if (input.version > this.#meta('balance_version', 0)) {
      this.#setMeta('balance_nanousd', input.balance_nanousd);
      this.#setMeta('balance_version', input.version);
    }
    for (const requestId of input.ledgered_request_ids) {
      this.#sql.exec(
        `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, 0, ?, 0, 1)
         ON CONFLICT (request_id) DO UPDATE SET ledgered = 1`,
        requestId, input.now,
      );
    }
  }

  async status(input: { user_id: string; key_id: string; now: number }): Promise<AccountStatus> {
    await this.#ensureLoaded(input.user_id);
    this.#expire(input.now);
    const keyScope = `key:${input.key_id}`;
    const hits = this.#hits(input.key_id, input.now);
    const reserved = this.#reserved(null);
    const unledgered = this.#unledgered();
    return {
      balance_nanousd: this.#meta('balance_nanousd', 0),
      balance_version: this.#meta('balance_version', 0),
      unledgered_nanousd: unledgered,
      reserved_nanousd: reserved,
      available_nanousd: this.#available(),
      open_reservations: this.#sum('SELECT count(*) AS n FROM reservations'),
      user_month_nanousd: this.#spent('user', monthOf(input.now)),
      key: {
        day_nanousd: this.#spent(keyScope, dayOf(input.now)),
        month_nanousd: this.#spent(keyScope, monthOf(input.now)),
        total_nanousd: this.#spent(keyScope, 'all'),
        requests_last_minute: hits.length,
        tokens_last_minute: hits.reduce((sum, hit) => sum + hit.tokens, 0),
      },
    };
  }

  async #ensureLoaded(userId: string): Promise<void> {
    if (this.#meta('loaded', 0) === 1) return;
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.#meta('loaded', 0) === 1) return;
      const balance = await readBalance(this.env.DB, userId);
      this.#setMeta('balance_nanousd', balance.balance_nanousd);
      this.#setMeta('balance_version', balance.version);
      this.#setMeta('loaded', 1);
    });
  }

  #available(): number {
    return this.#meta('balance_nanousd', 0) - this.#unledgered() - this.#reserved(null);
  }

  #unledgered(): number {
    return this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM settled WHERE booked = 1 AND ledgered = 0');
  }


  #expire(now: number): void {
    this.#sql.exec('DELETE FROM reservations WHERE expires_at <= ?', now);
    this.#sql.exec('DELETE FROM hits WHERE at <= ?', now - RATE_WINDOW_MS);
    if (now - this.#cleanedAt < CLEANUP_EVERY_MS) return;
    this.#cleanedAt = now;
    this.#sql.exec('DELETE FROM settled WHERE at <= ?', now - SETTLED_TTL_MS);
    this.#sql.exec("DELETE FROM spend WHERE period <> 'all' AND period < ?", monthOf(now - 62 * 86_400_000));
  }

  #hits(keyId: string, now: number): Hit[] {
    return this.#sql
      .exec<{ at: number; tokens: number }>('SELECT at, tokens FROM hits WHERE key_id = ? AND at > ? ORDER BY at', keyId, now - RATE_WINDOW_MS)
      .toArray();
  }

  #reserved(keyId: string | null): number {
    return keyId === null
      ? this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM reservations')
      : this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM reservations WHERE key_id = ?', keyId);
  }

  #spent(scope: string, period: string): number {
    return this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM spend WHERE scope = ? AND period = ?', scope, period);
  }

  #addSpend(scope: string, period: string, amount: number): void {
    this.#sql.exec(
      'INSERT INTO spend (scope, period, amount) VALUES (?, ?, ?) ON CONFLICT (scope, period) DO UPDATE SET amount = amount + excluded.amount',
      scope, period, amount,
    );
  }

  #sum(query: string, ...bindings: SqlStorageValue[]): number {
    const row = this.#sql.exec<{ n: number }>(query, ...bindings).toArray()[0];
    return Number(row?.n ?? 0);
  }

  #meta(key: string, fallback: number): number {
    const row = this.#sql.exec<{ value: number }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row === undefined ? fallback : Number(row.value);
  }

  #setMeta(key: string, value: number): void {
    this.#sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }
}
