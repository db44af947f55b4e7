// The account object at volume: thousands of admissions and settlements for one user keep
// every total exact (reservations back to zero, unledgered = Σ charges not yet ledgered, the
// RPM / TPM window counting only the last minute), old settled rows leave in bounded batches,
// and an object that restarts rebuilds its money and its rate windows from SQLite.
// Correctness only: there is no timing assertion here (see test/bench/account-object-bench.ts).
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { AccountObject, SETTLED_TTL_MS } from '../../worker/accounts/account-object';
import type { AccountLimits, AdmitInput } from '../../worker/accounts/account-types';

const NANO = 1_000_000_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const BALANCE = 1_000 * NANO;

async function seedUser(id: string) {
  await env.DB.prepare("INSERT INTO groups (id) VALUES ('default') ON CONFLICT DO NOTHING").run();
  await env.DB.prepare('INSERT INTO users (id, balance_nanousd) VALUES (?, ?)').bind(id, BALANCE).run();
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(id));
}

/** A deterministic spread of charges and token counts. */
const chargeOf = (i: number) => 1_000 + ((i * 7_919) % 50_000);
const tokensOf = (i: number) => 1 + ((i * 31) % 400);

describe('at volume', () => {
  it('5,000 admissions and settlements of one user keep every total exact', { timeout: 120_000 }, async () => {
    const user = 'volume-user';
    const account = await seedUser(user);
    const N = 5_000;
    const STEP_MS = 20; // 50 requests a second: 3,000 in any one minute
    const IN_FLIGHT = 40;
    const limits: AccountLimits = { rpm: 3_000, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: 1_000 * NANO, user_monthly_nanousd: 1_000 * NANO };
    const admitted: AdmitInput[] = [];
    const settleOne = async (i: number) => {
      const input = admitted[i]!;
      await account.settle({ user_id: user, key_id: input.key_id, request_id: input.request_id, now: input.now + 5, charge_nanousd: chargeOf(i), tokens: tokensOf(i) });
    };
    let totalCharged = 0;
    let ledgered = 0;
    for (let i = 0; i < N; i++) {
      const input: AdmitInput = { user_id: user, key_id: 'k-volume', request_id: `v${i}`, now: T0 + i * STEP_MS, reserve_nanousd: 100_000, input_tokens: 50, limits };
      const result = await account.admit(input);
      expect(result.ok, `admission ${i}: ${JSON.stringify(result)}`).toBe(true);
      admitted.push(input);
      // Requests settle IN_FLIGHT admissions later, so reservations are open throughout.
      if (i >= IN_FLIGHT) {
        await settleOne(i - IN_FLIGHT);
        totalCharged += chargeOf(i - IN_FLIGHT);
      }
      if (i === 2_500) {
        // The ledger claims the first 1,000 requests (all settled by now) into the D1 balance.
        ledgered = Array.from({ length: 1_000 }, (_, j) => chargeOf(j)).reduce((sum, charge) => sum + charge, 0);
        await account.syncBalance({ user_id: user, balance_nanousd: BALANCE - ledgered, version: 1_000, ledgered_request_ids: admitted.slice(0, 1_000).map((a) => a.request_id), now: input.now });
      }
    }
    const last = T0 + (N - 1) * STEP_MS;
    let status = await account.status({ user_id: user, key_id: 'k-volume', now: last });
    expect(status.open_reservations).toBe(IN_FLIGHT);
    expect(status.reserved_nanousd).toBe(IN_FLIGHT * 100_000);
    // The window holds the requests admitted in (last − 60 s, last]: 3,000 of them; the settled
    // ones count the tokens they used, the 40 still in flight their input estimate.
    expect(status.key.requests_last_minute).toBe(3_000);
    let windowTokens = 0;
    for (let i = N - 3_000; i < N; i++) windowTokens += i < N - IN_FLIGHT ? tokensOf(i) : 50;
    expect(status.key.tokens_last_minute).toBe(windowTokens);
    // The window is full: one more is refused until the oldest leaves, 20 ms later.
    const over = await account.admit({ user_id: user, key_id: 'k-volume', request_id: 'v-over', now: last, reserve_nanousd: 100_000, input_tokens: 50, limits });
    expect(over).toMatchObject({ ok: false, reason: 'rpm', retry_after_ms: STEP_MS });

    for (let i = N - IN_FLIGHT; i < N; i++) {
      await settleOne(i);
      totalCharged += chargeOf(i);
    }
    // Settling twice books once, also at volume.
    await settleOne(0);
    await settleOne(N - 1);
    status = await account.status({ user_id: user, key_id: 'k-volume', now: last + 10 });
    expect(status).toMatchObject({
      balance_nanousd: BALANCE - ledgered,
      balance_version: 1_000,
      reserved_nanousd: 0,
      open_reservations: 0,
      unledgered_nanousd: totalCharged - ledgered,
      available_nanousd: BALANCE - totalCharged,
      user_month_nanousd: totalCharged,
    });
    expect(status.key.total_nanousd).toBe(totalCharged);
    expect(status.key.month_nanousd).toBe(totalCharged);
    // A minute after the last admission the window is empty.
    status = await account.status({ user_id: user, key_id: 'k-volume', now: last + 60_000 });
    expect(status.key).toMatchObject({ requests_last_minute: 0, tokens_last_minute: 0 });
  });

  it('drops settled rows no ledger claimed after 24 hours, a bounded batch per call, keeping the total exact', async () => {
    const user = 'expiry-user';
    const account = await seedUser(user);
    const limits: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };
    const N = 300;
    for (let i = 0; i < N; i++) {
      const now = T0 + i * 1_000;
      await account.admit({ user_id: user, key_id: 'k', request_id: `e${i}`, now, reserve_nanousd: 100_000, input_tokens: 1, limits });
      await account.settle({ user_id: user, key_id: 'k', request_id: `e${i}`, now, charge_nanousd: chargeOf(i), tokens: 1 });
    }
    // Half of them were ledgered; their rows leave too, without touching the total.
    await account.syncBalance({ user_id: user, balance_nanousd: BALANCE, version: 0, ledgered_request_ids: Array.from({ length: N / 2 }, (_, i) => `e${2 * i}`), now: T0 });
    const unledgeredAfter = (cutoff: number) => {
      let sum = 0;
      for (let i = 1; i < N; i += 2) if (T0 + i * 1_000 > cutoff) sum += chargeOf(i);
      return sum;
    };
    expect((await account.status({ user_id: user, key_id: 'k', now: T0 + N * 1_000 })).unledgered_nanousd).toBe(unledgeredAfter(-Infinity));
    // 24 h after request 149: rows 0..149 have expired; each call deletes at most a batch.
    const now = T0 + 149 * 1_000 + SETTLED_TTL_MS;
    let status = await account.status({ user_id: user, key_id: 'k', now });
    const rowsLeft = () => runInDurableObject(account, (_instance, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM settled').one().n);
    // The 150 ledgered rows (all over an hour old) are pruned at once; of the 75 expired
    // unledgered ones, at most a batch per call: some are still there after one call.
    expect(await rowsLeft()).toBeGreaterThan(N / 4);
    for (let call = 0; call < 5; call++) status = await account.status({ user_id: user, key_id: 'k', now });
    expect(await rowsLeft()).toBe(N / 4); // the 75 unledgered rows younger than 24 h
    expect(status.unledgered_nanousd).toBe(unledgeredAfter(T0 + 149 * 1_000));
  });

  it('an object that restarts rebuilds balance, reservations, spend and rate windows from SQLite', async () => {
    const user = 'restart-user';
    const account = await seedUser(user);
    const limits: AccountLimits = { rpm: 2, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: 2 * NANO };
    const admit = (id: string, now = T0) => account.admit({ user_id: user, key_id: 'k', request_id: id, now, reserve_nanousd: NANO, input_tokens: 5, limits });
    expect((await admit('x1')).ok).toBe(true);
    expect((await admit('x2')).ok).toBe(true);
    await account.settle({ user_id: user, key_id: 'k', request_id: 'x1', now: T0, charge_nanousd: 0.25 * NANO, tokens: 9 });
    const before = await account.status({ user_id: user, key_id: 'k', now: T0 });
    expect(before.key.requests_last_minute).toBe(2);

    // A fresh instance over the same storage: what a restarted object sees.
    const after = await runInDurableObject(account, async (_instance, state) => {
      const restarted = new AccountObject(state, env);
      const status = await restarted.status({ user_id: user, key_id: 'k', now: T0 });
      // The open reservation (x2, $1) and the month's spend ($0.25) still count against the $2 budget.
      // Key k is still at its RPM of 2; another key of the user meets the budget.
      const overRate = await restarted.admit({ user_id: user, key_id: 'k', request_id: 'x3', now: T0, reserve_nanousd: NANO, input_tokens: 5, limits });
      const refused = await restarted.admit({ user_id: user, key_id: 'k2', request_id: 'x4', now: T0, reserve_nanousd: NANO, input_tokens: 5, limits });
      await restarted.settle({ user_id: user, key_id: 'k', request_id: 'x2', now: T0, charge_nanousd: 0.5 * NANO, tokens: 5 });
      return { status, overRate, refused, settled: await restarted.status({ user_id: user, key_id: 'k', now: T0 }) };
    });
    // The rate window too (worker/accounts/rate-buckets.ts): x1 with its settled 9 tokens, x2 with 5.
    // storage_writes counts this instance's writes: a new instance starts again at 0.
    expect(after.status).toMatchObject({ ...before, storage_writes: expect.any(Number), key: { ...before.key, requests_last_minute: 2, tokens_last_minute: 14 } });
    expect(after.overRate).toMatchObject({ ok: false, reason: 'rpm' });
    expect(after.refused).toMatchObject({ ok: false, reason: 'user_monthly_budget' });
    expect(after.settled).toMatchObject({ reserved_nanousd: 0, open_reservations: 0, unledgered_nanousd: 0.75 * NANO, user_month_nanousd: 0.75 * NANO });
  });
});

describe('settled and ledgered rows', () => {
  it('are pruned an hour after the ledger claimed them, without changing any total', async () => {
    const user = 'prune-user';
    const account = await seedUser(user);
    const limits: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const [i, request_id] of ids.entries()) {
      expect((await account.admit({ user_id: user, key_id: 'k', request_id, now: T0 + i, reserve_nanousd: 10_000, input_tokens: 1, limits })).ok).toBe(true);
      await account.settle({ user_id: user, key_id: 'k', request_id, now: T0 + i, charge_nanousd: 5_000, tokens: 1 });
    }
    // The ledger claims the first ten: they leave `unledgered` and enter the balance.
    await account.syncBalance({ user_id: user, balance_nanousd: BALANCE - 50_000, version: 2, ledgered_request_ids: ids.slice(0, 10), now: T0 + 100 });
    const rows = () => runInDurableObject(account, (_instance, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM settled').one().n);
    expect(await rows()).toBe(20);
    const before = await account.status({ user_id: user, key_id: 'k', now: T0 + 200 });
    expect(before.unledgered_nanousd).toBe(50_000);
    // Two hours on, any call sweeps the claimed rows; the ten unclaimed stay.
    const later = T0 + 2 * 60 * 60_000;
    const after = await account.status({ user_id: user, key_id: 'k', now: later });
    await account.admit({ user_id: user, key_id: 'k', request_id: 'p-late', now: later, reserve_nanousd: 1, input_tokens: 1, limits });
    expect(await rows()).toBe(10);
    expect(after.unledgered_nanousd).toBe(50_000);
    expect(after.available_nanousd).toBe(before.available_nanousd);
  });
});
