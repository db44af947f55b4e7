// One Durable Object per user (SQLite-backed): the single place where that user's money and
// limits are decided, so concurrent requests from any isolate are admitted one at a time.
// It holds the D1 balance as of the last ledger write or credit it heard of (with that
// balance's journal version), what was settled since and is not yet in a ledger batch, open
// reservations (expiring after RESERVATION_TTL_MS so a crashed request cannot hold money for
// ever), spend per budget period, and every key's requests of the last minute (RPM / TPM).
//
// Every call is O(1) amortised (O(log n) at worst) in the request rate: the hot state lives
// in memory, authoritative for the object's lifetime and rebuilt from SQLite when it starts;
// each change is written through as single-row writes by primary key (a reservation row on
// admit, deleted on settle; a settled row; four spend rows). Old settled rows are deleted a
// bounded batch per call. The rate windows are written through as per-second buckets
// (rate-buckets.ts) and restored when the object starts: a restart forgets nothing.
//
// Every method runs synchronously over memory and one SQLite transaction, hence atomically,
// except the first load of the balance from D1, which blocks other calls while it runs.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';
import type { AccountStatus, AdmitInput, AdmitResult, BalanceSync, SettleInput } from './account-types';
import { RATE_WINDOW_MS, RateWindow } from './rate-window';
import { RATE_BUCKETS_SCHEMA, persistAdmission, persistCorrection, pruneBuckets, restoreWindows } from './rate-buckets';
import { Reservations } from './reservations';
import { dayOf, monthOf } from './periods';
import { readBalance } from './balance';
import { refusalMessage } from './refusals';

export const RESERVATION_TTL_MS = 10 * 60_000;
/** Settled charges no ledger batch claimed by then are dropped (their log record was lost). */
export const SETTLED_TTL_MS = 24 * 60 * 60_000;
/** At most this many expired settled rows are deleted per call (each call adds at most one). */
const SETTLED_CLEANUP_BATCH = 64;
/** Rows settled and ledgered are kept this long, then pruned up to DONE_SWEEP_BATCH a second. */
export const DONE_GRACE_MS = 60 * 60_000;
const DONE_SWEEP_EVERY_MS = 1_000;
const DONE_SWEEP_BATCH = 4_096;
/** Spend of periods before the month of (now − this) is deleted. */
const SPEND_RETENTION_MS = 62 * 86_400_000;

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)',
  `CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, amount INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
  // Expiry is decided in memory and rows are deleted by primary key: no index to maintain.
  'DROP INDEX IF EXISTS reservations_expiry',
  // One row per request that settled here (booked = 1) or that a ledger batch claimed
  // (ledgered = 1), whichever came first; unledgered spend = booked and not ledgered.
  `CREATE TABLE IF NOT EXISTS settled (request_id TEXT PRIMARY KEY, amount INTEGER NOT NULL, at INTEGER NOT NULL,
     booked INTEGER NOT NULL, ledgered INTEGER NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS settled_at ON settled (at)',
  // Rows both settled here and claimed by a ledger batch have done their job.
  'CREATE INDEX IF NOT EXISTS settled_done ON settled (at) WHERE booked = 1 AND ledgered = 1',
  'CREATE TABLE IF NOT EXISTS spend (scope TEXT NOT NULL, period TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (scope, period))',
  // Rate windows were once persisted a row per request here; now per second (rate_buckets).
  'DROP TABLE IF EXISTS hits',
  RATE_BUCKETS_SCHEMA,
];

/** The object's state in memory, authoritative while it lives. */
interface Book {
  balance: number;
  version: number;
  /** Σ amount of settled rows with booked = 1 and ledgered = 0. */
  unledgered: number;
  reservations: Reservations;
  windows: Map<string, RateWindow>;
  /** Spend per scope and period, read from SQLite on first use and written through. */
  spend: Map<string, number>;
  /** Smallest `at` among settled rows (Infinity when none): nothing to clean before it. */
  oldestSettledAt: number;
  windowsSweptAt: number;
  /** When rows both booked and ledgered were last pruned. */
  doneSweptAt: number;
  /** The month before which spend rows were last deleted. */
  spendCutoff: string;
}

type SpendReason = 'key_daily_budget' | 'key_monthly_budget' | 'user_monthly_budget';

export class AccountObject extends DurableObject<Bindings> {
  readonly #sql: SqlStorage;
  #book: Book | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.#sql.exec(statement);
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    return this.#atomically(() => {
      const now = input.now;
      this.#housekeep(book, now);
      const window = this.#window(book, input.key_id, now);
      const tokens = tokenCount(input.input_tokens);
      const rate = window.check(now, input.limits.rpm, input.limits.tpm, tokens);
      if (!rate.ok) {
        return { ok: false, reason: rate.limit, retry_after_ms: rate.retry_after_ms, message: refusalMessage(rate.limit, input.limits, rate.never === true) };
      }

      const reserve = Math.max(0, Math.ceil(input.reserve_nanousd));
      const keyScope = `key:${input.key_id}`;
      const keyReserved = book.reservations.reservedFor(input.key_id);
      const budgets: Array<[limit: number | null, spent: () => number, reserved: number, reason: SpendReason]> = [
        [input.limits.key_daily_nanousd, () => this.#spent(book, keyScope, dayOf(now)), keyReserved, 'key_daily_budget'],
        [input.limits.key_monthly_nanousd, () => this.#spent(book, keyScope, monthOf(now)), keyReserved, 'key_monthly_budget'],
        [input.limits.user_monthly_nanousd, () => this.#spent(book, 'user', monthOf(now)), book.reservations.total, 'user_monthly_budget'],
      ];
      for (const [limit, spentOf, reserved, reason] of budgets) {
        if (limit === null) continue;
        const spent = spentOf();
        if (spent + reserved + reserve > limit || spent + reserved >= limit) {
          return { ok: false, reason, message: refusalMessage(reason, input.limits, false) };
        }
      }

      const available = availableOf(book);
      if (available <= 0 || reserve > available) return { ok: false, reason: 'balance', message: refusalMessage('balance', input.limits, false) };

      this.#sql.exec(
        'INSERT OR REPLACE INTO reservations (request_id, key_id, amount, input_tokens, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        input.request_id, input.key_id, reserve, tokens, now, now + RESERVATION_TTL_MS,
      );
      book.reservations.add({ request_id: input.request_id, key_id: input.key_id, amount: reserve, expires_at: now + RESERVATION_TTL_MS });
      window.add(input.request_id, now, tokens);
      persistAdmission(this.#sql, input.key_id, now, tokens);
      return { ok: true, available_nanousd: available - reserve };
    });
  }

  /** Release the reservation and book what the request cost. Safe to call twice. */
  async settle(input: SettleInput): Promise<void> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    this.#atomically(() => {
      this.#housekeep(book, input.now);
      if (book.reservations.has(input.request_id)) {
        this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', input.request_id);
        book.reservations.remove(input.request_id);
      }
      const corrected = book.windows.get(input.key_id)?.correct(input.request_id, tokenCount(input.tokens));
      if (corrected) persistCorrection(this.#sql, input.key_id, corrected.at, corrected.delta);
      const charge = Math.max(0, Math.round(input.charge_nanousd));
      if (charge === 0) return;
      const row = this.#sql.exec<{ booked: number; ledgered: number }>('SELECT booked, ledgered FROM settled WHERE request_id = ?', input.request_id).toArray()[0];
      if (row?.booked === 1) return;
      // A ledger batch may have claimed this request before it settled here (ledgered = 1):
      // then the D1 balance already includes it and only the budget windows need the charge.
      this.#sql.exec(
        `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, ?, ?, 1, 0)
         ON CONFLICT (request_id) DO UPDATE SET amount = excluded.amount, booked = 1`,
        input.request_id, charge, input.now,
      );
      if (row === undefined) book.oldestSettledAt = Math.min(book.oldestSettledAt, input.now);
      if (row?.ledgered !== 1) book.unledgered += charge;
      const keyScope = `key:${input.key_id}`;
      this.#addSpend(book, 'user', monthOf(input.now), charge);
      this.#addSpend(book, keyScope, dayOf(input.now), charge);
      this.#addSpend(book, keyScope, monthOf(input.now), charge);
      this.#addSpend(book, keyScope, 'all', charge);
    });
  }

  /** A ledger batch or a credit changed the D1 balance. Older versions than held are ignored. */
  async syncBalance(input: BalanceSync): Promise<void> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    this.#atomically(() => {
      if (input.version > book.version) {
        this.#setMeta('balance_nanousd', input.balance_nanousd);
        this.#setMeta('balance_version', input.version);
        book.balance = input.balance_nanousd;
        book.version = input.version;
      }
      for (const requestId of input.ledgered_request_ids) {
        const row = this.#sql.exec<{ amount: number; booked: number; ledgered: number }>('SELECT amount, booked, ledgered FROM settled WHERE request_id = ?', requestId).toArray()[0];
        if (row?.ledgered === 1) continue;
        if (row === undefined) {
          this.#sql.exec('INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, 0, ?, 0, 1)', requestId, input.now);
          book.oldestSettledAt = Math.min(book.oldestSettledAt, input.now);
          continue;
        }
        this.#sql.exec('UPDATE settled SET ledgered = 1 WHERE request_id = ?', requestId);
        if (row.booked === 1) book.unledgered -= Number(row.amount);
      }
    });
  }

  async status(input: { user_id: string; key_id: string; now: number }): Promise<AccountStatus> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    return this.#atomically(() => {
      this.#housekeep(book, input.now);
      const keyScope = `key:${input.key_id}`;
      const window = book.windows.get(input.key_id);
      window?.evict(input.now);
      return {
        balance_nanousd: book.balance,
        balance_version: book.version,
        unledgered_nanousd: book.unledgered,
        reserved_nanousd: book.reservations.total,
        available_nanousd: availableOf(book),
        open_reservations: book.reservations.size,
        user_month_nanousd: this.#spent(book, 'user', monthOf(input.now)),
        key: {
          day_nanousd: this.#spent(book, keyScope, dayOf(input.now)),
          month_nanousd: this.#spent(book, keyScope, monthOf(input.now)),
          total_nanousd: this.#spent(book, keyScope, 'all'),
          requests_last_minute: window?.count ?? 0,
          tokens_last_minute: window?.tokens ?? 0,
        },
      };
    });
  }

  /** Run `change` in one SQLite transaction; if it throws, memory is rebuilt from SQLite on the next call. */
  #atomically<T>(change: () => T): T {
    try {
      return this.ctx.storage.transactionSync(change);
    } catch (error) {
      this.#book = undefined;
      throw error;
    }
  }

  /** Build the in-memory book from SQLite (and, the very first time, the balance from D1). */
  async #load(userId: string, now: number): Promise<Book> {
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.#book) return;
      if (this.#meta('loaded', 0) !== 1) {
        const balance = await readBalance(this.env.DB, userId);
        this.#setMeta('balance_nanousd', balance.balance_nanousd);
        this.#setMeta('balance_version', balance.version);
        this.#setMeta('loaded', 1);
      }
      const reservations = new Reservations();
      for (const row of this.#sql.exec<{ request_id: string; key_id: string; amount: number; expires_at: number }>('SELECT request_id, key_id, amount, expires_at FROM reservations')) {
        reservations.add({ request_id: row.request_id, key_id: row.key_id, amount: Number(row.amount), expires_at: Number(row.expires_at) });
      }
      // One scan when the object starts; from then on the total is kept up to date.
      const unledgered = this.#number('SELECT coalesce(sum(amount), 0) AS n FROM settled WHERE booked = 1 AND ledgered = 0');
      this.#book = {
        balance: this.#meta('balance_nanousd', 0),
        version: this.#meta('balance_version', 0),
        unledgered,
        reservations,
        windows: restoreWindows(this.#sql, now),
        spend: new Map(),
        oldestSettledAt: this.#oldestSettledAt(),
        windowsSweptAt: -Infinity,
        doneSweptAt: -Infinity,
        spendCutoff: '',
      };
    });
    return this.#book!;
  }

  /** Expired reservations go; old settled rows go a bounded batch at a time; idle windows and old spend now and then. */
  #housekeep(book: Book, now: number): void {
    for (const expired of book.reservations.expire(now)) this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', expired.request_id);

    const horizon = now - SETTLED_TTL_MS;
    if (book.oldestSettledAt <= horizon) {
      const rows = this.#sql
        .exec<{ amount: number; booked: number; ledgered: number }>(
          'DELETE FROM settled WHERE request_id IN (SELECT request_id FROM settled WHERE at <= ? ORDER BY at LIMIT ?) RETURNING amount, booked, ledgered',
          horizon, SETTLED_CLEANUP_BATCH,
        )
        .toArray();
      for (const row of rows) if (row.booked === 1 && row.ledgered === 0) book.unledgered -= Number(row.amount);
      book.oldestSettledAt = this.#oldestSettledAt();
    }

    if (now - book.doneSweptAt >= DONE_SWEEP_EVERY_MS) {
      // A request both settled and ledgered counts in the balance and nowhere else: after an
      // hour (far past any retried settle or replayed batch) its row only costs space. This
      // keeps the table at about an hour of traffic instead of a day's; they are not in
      // `unledgered`, so no total changes.
      book.doneSweptAt = now;
      this.#sql.exec(
        'DELETE FROM settled WHERE request_id IN (SELECT request_id FROM settled WHERE booked = 1 AND ledgered = 1 AND at <= ? ORDER BY at LIMIT ?)',
        now - DONE_GRACE_MS, DONE_SWEEP_BATCH,
      );
    }

    if (now - book.windowsSweptAt >= RATE_WINDOW_MS) {
      // Once a minute: O(keys) plus what leaves the windows (each request leaves once).
      book.windowsSweptAt = now;
      for (const [keyId, window] of book.windows) {
        window.evict(now);
        if (window.count === 0) book.windows.delete(keyId);
      }
      pruneBuckets(this.#sql, now);
    }

    const cutoff = monthOf(now - SPEND_RETENTION_MS);
    if (cutoff > book.spendCutoff) {
      // Once a month (and once when the object starts): the spend table is keys × periods, not requests.
      book.spendCutoff = cutoff;
      this.#sql.exec("DELETE FROM spend WHERE period <> 'all' AND period < ?", cutoff);
      for (const cached of book.spend.keys()) {
        const period = cached.slice(cached.lastIndexOf('\n') + 1);
        if (period !== 'all' && period < cutoff) book.spend.delete(cached);
      }
    }
  }

  #window(book: Book, keyId: string, now: number): RateWindow {
    let window = book.windows.get(keyId);
    if (window === undefined) {
      window = new RateWindow();
      book.windows.set(keyId, window);
    }
    window.evict(now);
    return window;
  }

  #spent(book: Book, scope: string, period: string): number {
    const cacheKey = `${scope}\n${period}`;
    let amount = book.spend.get(cacheKey);
    if (amount === undefined) {
      amount = this.#number('SELECT coalesce(sum(amount), 0) AS n FROM spend WHERE scope = ? AND period = ?', scope, period);
      book.spend.set(cacheKey, amount);
    }
    return amount;
  }

  #addSpend(book: Book, scope: string, period: string, amount: number): void {
    const total = this.#sql
      .exec<{ amount: number }>(
        'INSERT INTO spend (scope, period, amount) VALUES (?, ?, ?) ON CONFLICT (scope, period) DO UPDATE SET amount = amount + excluded.amount RETURNING amount',
        scope, period, amount,
      )
      .one().amount;
    book.spend.set(`${scope}\n${period}`, Number(total));
  }

  #oldestSettledAt(): number {
    const row = this.#sql.exec<{ at: number | null }>('SELECT min(at) AS at FROM settled').toArray()[0];
    return row?.at === null || row?.at === undefined ? Infinity : Number(row.at);
  }

  #number(query: string, ...bindings: SqlStorageValue[]): number {
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

function availableOf(book: Book): number {
  return book.balance - book.unledgered - book.reservations.total;
}

function tokenCount(tokens: number): number {
  return Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
}
