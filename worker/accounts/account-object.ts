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
//
// Isolates do not call it per request: they hold a **lease** per key (lease.ts, the isolate's
// side; `lease()` here), a slice of the balance and of the key's rate, and admit and settle
// against it in memory. A lease is held here like a reservation (`leases` table, one row per
// lease, written when it is granted, topped up or closed); the isolate reports settled
// requests in batches (one `settled` row each) and hands back what it does not need.
// `admit` and `settle` are the same mechanism with a lease of exactly one request.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';
import type { AccountStatus, AdmitInput, AdmitResult, BalanceSync, LeaseCharge, LeaseInput, LeaseResult, RefusalReason, SettleInput } from './account-types';
import { RATE_WINDOW_MS, RateWindow } from './rate-window';
import { RATE_BUCKETS_SCHEMA, persistAdmission, persistCorrection, persistRelease, pruneBuckets, restoreWindows } from './rate-buckets';
import { Reservations } from './reservations';
import { dayOf, monthOf } from './periods';
import { readBalance } from './balance';
import { refusalMessage } from './refusals';
import { AffinityBook } from './affinity-book';

import { LEASE_HOLD_MS, LEASE_TTL_MS, RESERVATION_TTL_MS } from './lease-timing';

export { LEASE_HOLD_MS, RESERVATION_TTL_MS };

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
  // One row per open lease: the money it holds (as of its last grant, top-up or report) and the
  // next slot number, so slot ids stay unique across a restart.
  `CREATE TABLE IF NOT EXISTS leases (lease_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, held INTEGER NOT NULL,
     next_slot INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
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
  /** Per open lease: the next slot number, the window entry holding its token allowance, and its requests in flight. */
  leases: Map<string, LeaseState>;
  /** Σ in_flight over open leases. */
  inFlight: number;
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

interface LeaseState {
  next_slot: number;
  token_entry: string | null;
  in_flight: number;
}

export class AccountObject extends DurableObject<Bindings> {
  readonly #sql: SqlStorage;
  /** Statements that wrote to SQLite since this instance started (the schema aside): status() reports them. */
  #writes = 0;
  #book: Book | undefined;
  /** The user's recently served conversations, shared between isolates on lease calls (memory only). */
  readonly #affinity = new AffinityBook();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    for (const statement of SCHEMA) ctx.storage.sql.exec(statement);
    // Every write goes through here and is counted, so a test can hold the object to its
    // budget of durable writes per request.
    const sql = ctx.storage.sql;
    this.#sql = Object.create(sql, {
      exec: {
        value: <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]) => {
          if (!query.startsWith('SELECT')) this.#writes += 1;
          return sql.exec<T>(query, ...bindings);
        },
      },
    }) as SqlStorage;
  }

  /** Admit one request: a lease of exactly its reservation and one slot, named after it. */
  async admit(input: AdmitInput): Promise<AdmitResult> {
    const result = await this.lease({
      user_id: input.user_id, key_id: input.key_id, lease_id: input.request_id, now: input.now, limits: input.limits,
      need_nanousd: Math.max(1, Math.ceil(input.reserve_nanousd)), need_tokens: tokenCount(input.input_tokens),
      slice_nanousd: 0, slice_fraction: 0, slice_requests: 1, slice_tokens: 0,
      settled: [], return_nanousd: 0, return_slots: [], return_tokens: 0, close: false, in_flight_nanousd: 0,
    });
    if (!result.ok) return { ok: false, reason: result.reason, message: result.message, ...(result.retry_after_ms === undefined ? {} : { retry_after_ms: result.retry_after_ms }) };
    return { ok: true, available_nanousd: result.available_nanousd };
  }

  /** Release the request's reservation and book what it cost. Safe to call twice. */
  async settle(input: SettleInput): Promise<void> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    const open = book.leases.has(input.request_id);
    await this.lease({
      user_id: input.user_id, key_id: input.key_id, lease_id: input.request_id, now: input.now,
      limits: { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null },
      need_nanousd: 0, need_tokens: 0, slice_nanousd: 0, slice_fraction: 0, slice_requests: 0, slice_tokens: 0,
      settled: [{ request_id: input.request_id, slot: open ? `${input.request_id}#0` : null, charge_nanousd: input.charge_nanousd, tokens: input.tokens, at: input.now }],
      return_nanousd: 0, return_slots: [], return_tokens: 0, close: true, in_flight_nanousd: 0,
    });
  }

  /**
   * An isolate's call about its lease on one key (account-types.ts LeaseInput): apply its
   * report, then grant what it needs, all or nothing, within the balance, the budgets and the
   * key's rate. Atomic, like every method here.
   */
  async lease(input: LeaseInput): Promise<LeaseResult> {
    const book = this.#book ?? (await this.#load(input.user_id, input.now));
    const result = this.#leaseAtomically(book, input);
    // Conversation affinity rides on every call (affinity-book.ts): no storage, no call of its
    // own. A refusal applies the isolate's updates too; only an answer carries the user's.
    const affinity = this.#affinity.exchange(input, input.now);
    return result.ok ? { ...result, ...affinity } : result;
  }

  #leaseAtomically(book: Book, input: LeaseInput): LeaseResult {
    return this.#atomically(() => {
      const now = input.now;
      this.#housekeep(book, now);
      this.#applyReport(book, input);
      const held = book.reservations.get(input.lease_id)?.amount ?? 0;
      const need = Math.max(0, Math.ceil(input.need_nanousd));
      const slice = Math.max(0, Math.floor(input.slice_nanousd));
      // need 0 with a slice: a top-up ahead of need, granted what fits and never refused.
      const ahead = need === 0;
      if (ahead && slice === 0) {
        if (held > 0 || book.leases.has(input.lease_id)) this.#holdLease(book, input.lease_id, input.key_id, held, now);
        return { ok: true, granted_nanousd: 0, slots: [], granted_tokens: 0, expires_at: now + LEASE_TTL_MS, available_nanousd: availableOf(book) };
      }
      const refusal = (reason: RefusalReason, retryAfterMs?: number, never = false): LeaseResult => ({
        ok: false, report_applied: true, reason, message: refusalMessage(reason, input.limits, never),
        ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }),
      });

      // Rate: room for the waiting request (need_tokens), then as many slots and tokens as asked and free.
      const limited = input.limits.rpm !== null || input.limits.tpm !== null;
      let slotCount = 0;
      let allowance = 0;
      const window = limited ? this.#window(book, input.key_id, now) : undefined;
      if (window !== undefined) {
        const rate = window.check(now, input.limits.rpm, input.limits.tpm, input.need_tokens);
        if (!rate.ok && !ahead) return refusal(rate.limit, rate.retry_after_ms, rate.never === true);
        if (rate.ok) {
          const wantSlots = Math.max(ahead ? 0 : 1, Math.floor(input.slice_requests));
          slotCount = input.limits.rpm === null ? wantSlots : Math.max(ahead ? 0 : 1, Math.min(wantSlots, input.limits.rpm - window.count));
          allowance = input.limits.tpm === null ? 0 : Math.max(0, Math.min(Math.floor(input.slice_tokens), input.limits.tpm - window.tokens - input.need_tokens));
        }
      }

      // Money: the need must fit under every budget and the balance; the slice only where it also fits.
      const keyScope = `key:${input.key_id}`;
      const keyHeld = book.reservations.reservedFor(input.key_id);
      const budgets: Array<[limit: number | null, spent: () => number, reserved: number, reason: SpendReason]> = [
        [input.limits.key_daily_nanousd, () => this.#spent(book, keyScope, dayOf(now)), keyHeld, 'key_daily_budget'],
        [input.limits.key_monthly_nanousd, () => this.#spent(book, keyScope, monthOf(now)), keyHeld, 'key_monthly_budget'],
        [input.limits.user_monthly_nanousd, () => this.#spent(book, 'user', monthOf(now)), book.reservations.total, 'user_monthly_budget'],
      ];
      const available = availableOf(book);
      let room = Math.max(0, available);
      for (const [limit, spentOf, reserved, reason] of budgets) {
        if (limit === null) continue;
        const left = limit - spentOf() - reserved;
        if (!ahead && (left <= 0 || need > left)) return refusal(reason);
        room = Math.min(room, Math.max(0, left));
      }
      if (!ahead && (available <= 0 || need > available)) return refusal('balance');
      const fraction = Math.min(1, Math.max(0, input.slice_fraction));
      const granted = Math.min(room, need + Math.min(slice, Math.floor(Math.max(0, available - need) * fraction)));

      const state = book.leases.get(input.lease_id) ?? { next_slot: 0, token_entry: null, in_flight: 0 };
      const slots: string[] = [];
      if (window !== undefined) {
        for (let index = 0; index < slotCount; index++) {
          const slot = `${input.lease_id}#${state.next_slot++}`;
          // The first slot is the waiting request's, and carries its input estimate.
          window.add(slot, now, index === 0 ? input.need_tokens : 0);
          slots.push(slot);
        }
        if (allowance > 0) {
          state.token_entry = `${input.lease_id}#t${state.next_slot++}`;
          window.add(state.token_entry, now, allowance, false);
        }
        persistAdmission(this.#sql, input.key_id, now, input.need_tokens + allowance, slotCount);
      }
      book.leases.set(input.lease_id, state);
      this.#setInFlight(book, state, state.in_flight + need);
      this.#holdLease(book, input.lease_id, input.key_id, held + granted, now);
      return { ok: true, granted_nanousd: granted, slots, granted_tokens: allowance, expires_at: now + LEASE_TTL_MS, available_nanousd: availableOf(book) };
    });
  }

  /** Book what settled, take back what the isolate returns, and close the lease when it says so. */
  #applyReport(book: Book, input: LeaseInput): void {
    let charged = 0;
    const spendDeltas = new Map<string, number>();
    const window = book.windows.get(input.key_id);
    for (const item of input.settled) {
      if (item.slot !== null && window !== undefined) {
        const corrected = window.correct(item.slot, tokenCount(item.tokens));
        if (corrected) persistCorrection(this.#sql, input.key_id, corrected.at, corrected.delta);
      }
      const charge = Math.max(0, Math.round(item.charge_nanousd));
      charged += charge;
      if (charge === 0 || !this.#bookSettled(book, item, charge)) continue;
      const keyScope = `key:${input.key_id}`;
      for (const [scope, period] of [['user', monthOf(item.at)], [keyScope, dayOf(item.at)], [keyScope, monthOf(item.at)], [keyScope, 'all']] as const) {
        const cacheKey = `${scope}\n${period}`;
        spendDeltas.set(cacheKey, (spendDeltas.get(cacheKey) ?? 0) + charge);
      }
    }
    for (const [cacheKey, amount] of spendDeltas) {
      const cut = cacheKey.lastIndexOf('\n');
      this.#addSpend(book, cacheKey.slice(0, cut), cacheKey.slice(cut + 1), amount);
    }

    const state = book.leases.get(input.lease_id);
    if (window !== undefined) {
      for (const slot of input.return_slots) {
        const released = window.release(slot);
        if (released) persistRelease(this.#sql, input.key_id, released.at, released.tokens);
      }
      if (input.return_tokens !== 0) {
        // The allowance shrinks by what settled requests drew from it (their actual tokens sit on
        // their slots) and by what comes back unused; a negative return is tokens used beyond it.
        const adjusted = state?.token_entry ? window.adjust(state.token_entry, -input.return_tokens) : undefined;
        if (adjusted) persistCorrection(this.#sql, input.key_id, adjusted.at, adjusted.delta);
        else if (input.return_tokens < 0) {
          window.add(`${input.lease_id}#over${input.now}`, input.now, -input.return_tokens, false);
          persistAdmission(this.#sql, input.key_id, input.now, -input.return_tokens, 0);
        }
      }
    }

    const lease = book.reservations.get(input.lease_id);
    if (lease === undefined) return;
    if (state) this.#setInFlight(book, state, input.close ? 0 : Math.max(0, Math.round(input.in_flight_nanousd)));
    if (input.close) {
      book.reservations.remove(input.lease_id);
      if (book.leases.delete(input.lease_id)) this.#sql.exec('DELETE FROM leases WHERE lease_id = ?', input.lease_id);
      else this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', input.lease_id);
      return;
    }
    const held = Math.max(0, lease.amount - charged - Math.max(0, Math.round(input.return_nanousd)));
    if (held !== lease.amount) book.reservations.add({ ...lease, amount: held });
  }

  /** Record one settled request; false when it was booked before (a repeated report). */
  #bookSettled(book: Book, item: LeaseCharge, charge: number): boolean {
    const row = this.#sql.exec<{ booked: number; ledgered: number }>('SELECT booked, ledgered FROM settled WHERE request_id = ?', item.request_id).toArray()[0];
    if (row?.booked === 1) return false;
    // A ledger batch may have claimed this request before it settled here (ledgered = 1):
    // then the D1 balance already includes it and only the budget periods need the charge.
    this.#sql.exec(
      `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, ?, ?, 1, 0)
       ON CONFLICT (request_id) DO UPDATE SET amount = excluded.amount, booked = 1`,
      item.request_id, charge, item.at,
    );
    if (row === undefined) book.oldestSettledAt = Math.min(book.oldestSettledAt, item.at);
    if (row?.ledgered !== 1) book.unledgered += charge;
    return true;
  }

  #setInFlight(book: Book, state: LeaseState, amount: number): void {
    book.inFlight += amount - state.in_flight;
    state.in_flight = amount;
  }

  /** Keep `held` for the lease until LEASE_HOLD_MS from now (one row write). */
  #holdLease(book: Book, leaseId: string, keyId: string, held: number, now: number): void {
    const state = book.leases.get(leaseId) ?? { next_slot: 0, token_entry: null, in_flight: 0 };
    book.leases.set(leaseId, state);
    book.reservations.add({ request_id: leaseId, key_id: keyId, amount: held, expires_at: now + LEASE_HOLD_MS });
    this.#sql.exec(
      `INSERT INTO leases (lease_id, key_id, held, next_slot, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (lease_id) DO UPDATE SET held = excluded.held, next_slot = excluded.next_slot, expires_at = excluded.expires_at`,
      leaseId, keyId, held, state.next_slot, now + LEASE_HOLD_MS,
    );
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
        reserved_nanousd: reservedOf(book),
        available_nanousd: book.balance - book.unledgered - reservedOf(book),
        leased_nanousd: book.reservations.total,
        open_reservations: book.reservations.size,
        storage_writes: this.#writes,
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
      // Reservations of the version before leases, then the leases.
      for (const row of this.#sql.exec<{ request_id: string; key_id: string; amount: number; expires_at: number }>('SELECT request_id, key_id, amount, expires_at FROM reservations')) {
        reservations.add({ request_id: row.request_id, key_id: row.key_id, amount: Number(row.amount), expires_at: Number(row.expires_at) });
      }
      const leases = new Map<string, LeaseState>();
      for (const row of this.#sql.exec<{ lease_id: string; key_id: string; held: number; next_slot: number; expires_at: number }>('SELECT lease_id, key_id, held, next_slot, expires_at FROM leases')) {
        reservations.add({ request_id: row.lease_id, key_id: row.key_id, amount: Number(row.held), expires_at: Number(row.expires_at) });
        leases.set(row.lease_id, { next_slot: Number(row.next_slot), token_entry: null, in_flight: Number(row.held) });
      }
      // One scan when the object starts; from then on the total is kept up to date.
      const unledgered = this.#number('SELECT coalesce(sum(amount), 0) AS n FROM settled WHERE booked = 1 AND ledgered = 0');
      this.#book = {
        balance: this.#meta('balance_nanousd', 0),
        version: this.#meta('balance_version', 0),
        unledgered,
        reservations,
        leases,
        inFlight: [...leases.values()].reduce((sum, lease) => sum + lease.in_flight, 0),
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
    for (const expired of book.reservations.expire(now)) {
      // A lease nobody called about for LEASE_HOLD_MS (its isolate is gone), or an old reservation.
      const lease = book.leases.get(expired.request_id);
      if (lease) {
        this.#setInFlight(book, lease, 0);
        book.leases.delete(expired.request_id);
        this.#sql.exec('DELETE FROM leases WHERE lease_id = ?', expired.request_id);
      } else this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', expired.request_id);
    }

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

/** What requests in flight hold: leases' as their isolates reported, plus reservations from before leases. */
function reservedOf(book: Book): number {
  let legacy = book.reservations.total;
  for (const [leaseId] of book.leases) legacy -= book.reservations.get(leaseId)?.amount ?? 0;
  return book.inFlight + legacy;
}

/** What may still be granted: everything leases hold is kept from others. */
function availableOf(book: Book): number {
  return book.balance - book.unledgered - book.reservations.total;
}

function tokenCount(tokens: number): number {
  return Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
}
