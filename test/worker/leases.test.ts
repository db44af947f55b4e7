// Admission by lease, against the real account object: several lease books stand for several
// isolates of the worker, each admitting and settling in its own memory. The invariants:
// money is never spent twice across isolates (the overspend bound is what it was per request),
// rate limits and budgets hold across isolates, an unreachable object lets an isolate spend
// only what its lease holds, idle leases give their money back, and the object writes at most
// about one row per request.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AccountLimits, LeaseInput } from '../../worker/accounts/account-types';
import { LeaseBook, type LeaseRequest, type Ticket } from '../../worker/accounts/lease';

const NANO = 1_000_000_000;
const NO_LIMITS: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };
const SETTINGS = { sliceMaxNanousd: 0.05 * NANO, sliceFraction: 0.05, rateFraction: 0.1 };

async function seedUser(id: string, balanceUsd: number) {
  await env.DB.prepare("INSERT INTO groups (id) VALUES ('default') ON CONFLICT DO NOTHING").run();
  await env.DB.prepare('INSERT INTO users (id, balance_nanousd) VALUES (?, ?)').bind(id, Math.round(balanceUsd * NANO)).run();
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(id));
}

/** `count` isolates, each with its own lease book on the same account objects. */
function isolates(count: number, failing?: { value: boolean }): LeaseBook[] {
  return Array.from({ length: count }, (_, index) =>
    new LeaseBook(
      async (userId: string, input: LeaseInput) => {
        if (failing?.value) throw new Error('account object unreachable');
        return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(userId)).lease(input);
      },
      SETTINGS,
      Date.now,
      () => {},
      `isolate-${index}`,
    ));
}

let counter = 0;
function request(user: string, overrides: Partial<LeaseRequest> = {}): LeaseRequest {
  counter += 1;
  return { user_id: user, key_id: 'k1', request_id: `lease-${counter}`, limits: NO_LIMITS, reserve_nanousd: 0.01 * NANO, input_tokens: 10, ...overrides };
}

describe('admission by lease across isolates', () => {
  it('300 parallel requests on 6 isolates against $0.30: every admitted reservation is covered, and the charges never exceed the balance', async () => {
    const user = 'lease-overspend';
    const account = await seedUser(user, 0.3);
    const books = isolates(6);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => books[i % 6]!.admit(request(user))));
    const tickets = results.filter((result) => result.ok).map((result) => (result as { ticket: Ticket }).ticket);
    // Each request reserves $0.01: at most 30 can hold a reservation at once.
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets.length).toBeLessThanOrEqual(30);
    for (const result of results) if (!result.ok) expect(result.reason).toBe('balance');
    // Every admitted request spends its whole reservation.
    for (const ticket of tickets) ticket.settle(0.01 * NANO, 100);
    await Promise.all(books.map((book) => book.flush(true)));
    const status = await account.status({ user_id: user, key_id: 'k1', now: Date.now() });
    expect(status.unledgered_nanousd).toBe(tickets.length * 0.01 * NANO);
    expect(status.unledgered_nanousd).toBeLessThanOrEqual(0.3 * NANO);
    expect(status.reserved_nanousd).toBe(0);
    expect(status.open_reservations).toBe(0);
  });

  it('RPM holds across isolates: 8 isolates, 200 requests, a limit of 50', async () => {
    const user = 'lease-rpm';
    await seedUser(user, 100);
    const books = isolates(8);
    const limits = { ...NO_LIMITS, rpm: 50 };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => books[i % 8]!.admit(request(user, { limits, reserve_nanousd: 1_000 }))));
    const admitted = results.filter((result) => result.ok).length;
    expect(admitted).toBeLessThanOrEqual(50);
    expect(admitted).toBeGreaterThanOrEqual(40); // slots parked in other isolates' leases are the only loss
    for (const result of results) if (!result.ok) expect(result.reason).toBe('rpm');
  });

  it('a key daily budget holds across isolates', async () => {
    const user = 'lease-budget';
    await seedUser(user, 100);
    const books = isolates(4);
    const limits = { ...NO_LIMITS, key_daily_nanousd: 0.1 * NANO };
    let spent = 0;
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(books.map((book) => book.admit(request(user, { limits }))));
      for (const result of results) {
        if (!result.ok) {
          expect(result.reason).toBe('key_daily_budget');
          continue;
        }
        result.ticket.settle(0.01 * NANO, 10);
        spent += 0.01 * NANO;
      }
    }
    expect(spent).toBeLessThanOrEqual(0.1 * NANO);
    expect(spent).toBeGreaterThanOrEqual(0.05 * NANO);
  });

  it('an unreachable object: the isolate spends only what its lease holds, then fails closed', async () => {
    const user = 'lease-unreachable';
    const account = await seedUser(user, 100);
    const failing = { value: false };
    const [book] = isolates(1, failing);
    const first = await book!.admit(request(user, { reserve_nanousd: 0.001 * NANO }));
    expect(first.ok).toBe(true);
    failing.value = true;
    let admitted = 0;
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const result = await book!.admit(request(user, { reserve_nanousd: 0.001 * NANO }));
      if (result.ok) admitted += 1;
      else {
        expect(result.reason).toBe('unreachable');
        refused += 1;
      }
    }
    // The slice: min($0.05, 5% of $100) beyond the first request's need, $0.001 a request.
    expect(admitted).toBe(50);
    expect(refused).toBe(150);
    const status = await account.status({ user_id: user, key_id: 'k1', now: Date.now() });
    // The whole lease stays kept from other isolates; in flight, as last reported, is the first request.
    expect(status.leased_nanousd).toBe(0.051 * NANO);
    expect(status.reserved_nanousd).toBe(0.001 * NANO);
  });

  it('an idle lease gives its money back; a settle books the charge exactly once', async () => {
    const user = 'lease-idle';
    const account = await seedUser(user, 10);
    const [book] = isolates(1);
    const admitted = await book!.admit(request(user));
    expect(admitted.ok).toBe(true);
    let status = await account.status({ user_id: user, key_id: 'k1', now: Date.now() });
    expect(status.reserved_nanousd).toBeGreaterThanOrEqual(0.01 * NANO);
    if (admitted.ok) {
      admitted.ticket.settle(0.004 * NANO, 50);
      admitted.ticket.settle(0.004 * NANO, 50);
    }
    await book!.flush(true);
    expect(book!.size).toBe(0);
    status = await account.status({ user_id: user, key_id: 'k1', now: Date.now() });
    expect(status).toMatchObject({ reserved_nanousd: 0, unledgered_nanousd: 0.004 * NANO, available_nanousd: 10 * NANO - 0.004 * NANO });
  });

  it('writes at most about one row per request: 1,000 requests through one isolate', async () => {
    const user = 'lease-writes';
    const account = await seedUser(user, 1_000);
    const [book] = isolates(1);
    const before = (await account.status({ user_id: user, key_id: 'k1', now: Date.now() })).storage_writes;
    for (let batch = 0; batch < 10; batch++) {
      const results = await Promise.all(Array.from({ length: 100 }, () => book!.admit(request(user, { reserve_nanousd: 0.0001 * NANO }))));
      for (const result of results) if (result.ok) result.ticket.settle(0.00005 * NANO, 20);
      await book!.flush();
    }
    await book!.flush(true);
    const status = await account.status({ user_id: user, key_id: 'k1', now: Date.now() });
    expect(status.unledgered_nanousd).toBe(1_000 * 0.00005 * NANO);
    // One settled row per request, plus per report (here 10, one per 100 requests, and the
    // lease's top-ups) four spend rows and the lease row. Per-request admission wrote about
    // seven rows a request (reservation in and out, settled, four spend rows).
    const writes = status.storage_writes - before;
    expect(writes).toBeGreaterThanOrEqual(1_000);
    expect(writes).toBeLessThanOrEqual(1_000 * 1.15);
  });
});
