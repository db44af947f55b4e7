// The account object alone, driven with explicit times: reservations against the balance,
// RPM / TPM windows and budget periods exactly at, just over and after their edges, and the
// ledger sync that must never count a request twice.
import { env } from 'cloudflare:test';
import { LEASE_HOLD_MS } from '../../worker/accounts/account-object';
import { describe, expect, it } from 'vitest';
import type { AccountLimits, AdmitInput } from '../../worker/accounts/account-types';

const NANO = 1_000_000_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const NO_LIMITS: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };

async function seedUser(id: string, balanceUsd: number) {
  await env.DB.prepare("INSERT INTO groups (id) VALUES ('default') ON CONFLICT DO NOTHING").run();
  await env.DB.prepare('INSERT INTO users (id, balance_nanousd) VALUES (?, ?)').bind(id, Math.round(balanceUsd * NANO)).run();
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(id));
}

let counter = 0;
function request(user: string, overrides: Partial<AdmitInput> = {}): AdmitInput {
  counter += 1;
  return { user_id: user, key_id: 'k1', request_id: `r${counter}`, now: T0, reserve_nanousd: 0.01 * NANO, input_tokens: 10, limits: NO_LIMITS, ...overrides };
}

describe('balance reservations', () => {
  it('admits while the balance covers every open reservation, then 402s; settling releases the rest', async () => {
    const account = await seedUser('res-user', 0.05);
    const admitted: AdmitInput[] = [];
    for (let i = 0; i < 5; i++) {
      const input = request('res-user');
      expect((await account.admit(input)).ok).toBe(true);
      admitted.push(input);
    }
    const refused = await account.admit(request('res-user'));
    expect(refused).toMatchObject({ ok: false, reason: 'balance' });
    // One request actually cost 0.004: 0.006 of its reservation comes back, enough for nothing new (0.01).
    await account.settle({ user_id: 'res-user', key_id: 'k1', request_id: admitted[0]!.request_id, now: T0, charge_nanousd: 0.004 * NANO, tokens: 20 });
    expect((await account.admit(request('res-user'))).ok).toBe(false);
    await account.settle({ user_id: 'res-user', key_id: 'k1', request_id: admitted[1]!.request_id, now: T0, charge_nanousd: 0, tokens: 10 });
    expect((await account.admit(request('res-user'))).ok).toBe(true);
    const status = await account.status({ user_id: 'res-user', key_id: 'k1', now: T0 });
    expect(status.unledgered_nanousd).toBe(0.004 * NANO);
    expect(status.reserved_nanousd).toBe(0.04 * NANO);
    expect(status.available_nanousd).toBe(0.006 * NANO);
  });

  it('lets a reservation (a lease of one request) expire LEASE_HOLD_MS after the last call, so a crashed request cannot hold money for ever', async () => {
    const account = await seedUser('crash-user', 0.01);
    expect((await account.admit(request('crash-user'))).ok).toBe(true);
    expect((await account.admit(request('crash-user', { now: T0 + LEASE_HOLD_MS - 1 }))).ok).toBe(false);
    expect((await account.admit(request('crash-user', { now: T0 + LEASE_HOLD_MS }))).ok).toBe(true);
  });

  it('settling twice books once', async () => {
    const account = await seedUser('twice-user', 1);
    const input = request('twice-user');
    await account.admit(input);
    const settle = { user_id: 'twice-user', key_id: 'k1', request_id: input.request_id, now: T0, charge_nanousd: 5_000, tokens: 10 };
    await account.settle(settle);
    await account.settle(settle);
    expect((await account.status({ user_id: 'twice-user', key_id: 'k1', now: T0 })).unledgered_nanousd).toBe(5_000);
  });
});

describe('ledger sync', () => {
  it('moves settled spend into the balance once, whichever arrives first, and ignores older balances', async () => {
    const account = await seedUser('sync-user', 1);
    const first = request('sync-user');
    const second = request('sync-user');
    await account.admit(first);
    await account.admit(second);
    await account.settle({ user_id: 'sync-user', key_id: 'k1', request_id: first.request_id, now: T0, charge_nanousd: 1_000, tokens: 1 });
    // The ledger claims both requests; the second has not settled here yet.
    await account.syncBalance({ user_id: 'sync-user', balance_nanousd: NANO - 3_000, version: 100, ledgered_request_ids: [first.request_id, second.request_id], now: T0 });
    await account.settle({ user_id: 'sync-user', key_id: 'k1', request_id: second.request_id, now: T0, charge_nanousd: 2_000, tokens: 1 });
    let status = await account.status({ user_id: 'sync-user', key_id: 'k1', now: T0 });
    expect(status).toMatchObject({ balance_nanousd: NANO - 3_000, unledgered_nanousd: 0, reserved_nanousd: 0, available_nanousd: NANO - 3_000 });
    expect(status.key.total_nanousd).toBe(3_000);
    // A stale balance (older journal version) does not overwrite the newer one.
    await account.syncBalance({ user_id: 'sync-user', balance_nanousd: NANO, version: 50, ledgered_request_ids: [], now: T0 });
    status = await account.status({ user_id: 'sync-user', key_id: 'k1', now: T0 });
    expect(status.balance_nanousd).toBe(NANO - 3_000);
  });
});

describe('rate limits', () => {
  it('RPM: exactly at the limit passes, one more is 429 until the oldest request leaves the window', async () => {
    const account = await seedUser('rpm-user', 100);
    const limits = { ...NO_LIMITS, rpm: 3 };
    for (let i = 0; i < 3; i++) expect((await account.admit(request('rpm-user', { limits, now: T0 + i * 10_000 }))).ok).toBe(true);
    const over = await account.admit(request('rpm-user', { limits, now: T0 + 30_000 }));
    expect(over).toMatchObject({ ok: false, reason: 'rpm', retry_after_ms: 30_000 });
    expect((await account.admit(request('rpm-user', { limits, now: T0 + 59_999 }))).ok).toBe(false);
    expect((await account.admit(request('rpm-user', { limits, now: T0 + 60_000 }))).ok).toBe(true);
    // Another key of the same user has its own window.
    expect((await account.admit(request('rpm-user', { limits, key_id: 'k2', now: T0 + 60_000 }))).ok).toBe(true);
  });

  it('TPM: counts the input estimate at admission and the actual tokens after settle', async () => {
    const account = await seedUser('tpm-user', 100);
    const limits = { ...NO_LIMITS, tpm: 100 };
    const first = request('tpm-user', { limits, input_tokens: 60 });
    expect((await account.admit(first)).ok).toBe(true);
    expect((await account.admit(request('tpm-user', { limits, input_tokens: 40, now: T0 + 1 }))).ok).toBe(true); // exactly 100
    expect(await account.admit(request('tpm-user', { limits, input_tokens: 1, now: T0 + 2 }))).toMatchObject({ ok: false, reason: 'tpm', retry_after_ms: 59_998 });
    // The first request really used only 30 tokens: 30 are free again.
    await account.settle({ user_id: 'tpm-user', key_id: 'k1', request_id: first.request_id, now: T0 + 3, charge_nanousd: 0, tokens: 30 });
    expect((await account.admit(request('tpm-user', { limits, input_tokens: 30, now: T0 + 4 }))).ok).toBe(true);
    expect(await account.admit(request('tpm-user', { limits, input_tokens: 101, now: T0 + 5 }))).toMatchObject({ ok: false, reason: 'tpm' });
    expect((await account.admit(request('tpm-user', { limits, input_tokens: 100, now: T0 + 60_005 }))).ok).toBe(true);
  });
});

describe('budgets', () => {
  it('key daily budget: at the limit refuses, under it admits what fits, the next UTC day starts again', async () => {
    const account = await seedUser('budget-user', 100);
    const limits = { ...NO_LIMITS, key_daily_nanousd: 0.05 * NANO };
    const spend = async (now: number, usd: number) => {
      const input = request('budget-user', { limits, now, reserve_nanousd: usd * NANO });
      const result = await account.admit(input);
      if (result.ok) await account.settle({ user_id: 'budget-user', key_id: 'k1', request_id: input.request_id, now, charge_nanousd: usd * NANO, tokens: 1 });
      return result;
    };
    expect((await spend(T0, 0.04)).ok).toBe(true);
    expect(await spend(T0, 0.02)).toMatchObject({ ok: false, reason: 'key_daily_budget' }); // just over
    expect((await spend(T0, 0.01)).ok).toBe(true); // exactly at the limit
    expect(await spend(T0, 0.000001)).toMatchObject({ ok: false, reason: 'key_daily_budget' });
    const tomorrow = Date.UTC(2026, 10, 27, 0, 0, 0);
    expect(await spend(tomorrow - 1, 0.000001)).toMatchObject({ ok: false });
    expect((await spend(tomorrow, 0.05)).ok).toBe(true);
  });

  it('user monthly budget counts every key and open reservations; the next month starts again', async () => {
    const account = await seedUser('monthly-user', 100);
    const limits = { ...NO_LIMITS, user_monthly_nanousd: 0.1 * NANO };
    const a = request('monthly-user', { limits, key_id: 'a', reserve_nanousd: 0.06 * NANO });
    expect((await account.admit(a)).ok).toBe(true);
    expect(await account.admit(request('monthly-user', { limits, key_id: 'b', reserve_nanousd: 0.05 * NANO }))).toMatchObject({ ok: false, reason: 'user_monthly_budget' });
    const b = request('monthly-user', { limits, key_id: 'b', reserve_nanousd: 0.04 * NANO });
    expect((await account.admit(b)).ok).toBe(true);
    for (const [input, usd] of [[a, 0.06], [b, 0.04]] as const) {
      await account.settle({ user_id: 'monthly-user', key_id: input.key_id, request_id: input.request_id, now: T0, charge_nanousd: usd * NANO, tokens: 1 });
    }
    expect(await account.admit(request('monthly-user', { limits, key_id: 'c', reserve_nanousd: 0 }))).toMatchObject({ ok: false, reason: 'user_monthly_budget' });
    const nextMonth = Date.UTC(2026, 11, 1);
    expect(await account.admit(request('monthly-user', { limits, reserve_nanousd: 0.01 * NANO, now: nextMonth - 1 }))).toMatchObject({ ok: false });
    expect((await account.admit(request('monthly-user', { limits, reserve_nanousd: 0.1 * NANO, now: nextMonth }))).ok).toBe(true);
    expect((await account.status({ user_id: 'monthly-user', key_id: 'a', now: nextMonth })).user_month_nanousd).toBe(0);
  });
});
