// Rate windows survive a restart of the account object: every instance is aborted
// (abortAllDurableObjects keeps storage, as a deploy or an eviction does) and the new instance
// must still count the last minute's requests and tokens, including a settle's correction.
import { abortAllDurableObjects, env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AccountObject } from '../../worker/accounts/account-object';
import type { AccountLimits, AdmitInput } from '../../worker/accounts/account-types';

const NANO = 1_000_000_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const NO_LIMITS: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };

async function seedUser(id: string) {
  await env.DB.prepare("INSERT INTO groups (id) VALUES ('default') ON CONFLICT DO NOTHING").run();
  await env.DB.prepare('INSERT INTO users (id, balance_nanousd) VALUES (?, ?)').bind(id, 100 * NANO).run();
  return () => env.ACCOUNTS.get(env.ACCOUNTS.idFromName(id));
}

let counter = 0;
function request(user: string, overrides: Partial<AdmitInput> = {}): AdmitInput {
  counter += 1;
  return { user_id: user, key_id: 'k1', request_id: `restart-${counter}`, now: T0, reserve_nanousd: 1_000, input_tokens: 10, limits: NO_LIMITS, ...overrides };
}

/** Abort every object instance (storage kept) and prove the next call meets a new instance. */
async function restart(account: () => DurableObjectStub<AccountObject>): Promise<void> {
  await runInDurableObject(account(), (instance) => {
    (instance as unknown as { marked?: boolean }).marked = true;
  });
  await abortAllDurableObjects();
  const marked = await runInDurableObject(account(), (instance) => (instance as unknown as { marked?: boolean }).marked === true);
  expect(marked).toBe(false);
}

describe('rate windows across an account-object restart', () => {
  it('RPM: a key at its limit is still at it after a restart, until the minute has passed', async () => {
    const account = await seedUser('restart-rpm');
    const limits = { ...NO_LIMITS, rpm: 3 };
    for (let i = 0; i < 3; i++) expect((await account().admit(request('restart-rpm', { limits, now: T0 + i * 10_000 }))).ok).toBe(true);
    expect(await account().admit(request('restart-rpm', { limits, now: T0 + 25_000 }))).toMatchObject({ ok: false, reason: 'rpm' });

    await restart(account);

    const after = await account().admit(request('restart-rpm', { limits, now: T0 + 30_000 }));
    // Restored admissions sit at the end of their second: the oldest leaves at most 1 s later.
    expect(after).toMatchObject({ ok: false, reason: 'rpm' });
    expect((after as { retry_after_ms: number }).retry_after_ms).toBeGreaterThanOrEqual(30_000);
    expect((after as { retry_after_ms: number }).retry_after_ms).toBeLessThanOrEqual(31_000);
    const status = await account().status({ user_id: 'restart-rpm', key_id: 'k1', now: T0 + 30_000 });
    expect(status.key.requests_last_minute).toBe(3);
    // A minute (and the second's rounding) after the first request, one place is free again.
    expect((await account().admit(request('restart-rpm', { limits, now: T0 + 61_000 }))).ok).toBe(true);
    expect(await account().admit(request('restart-rpm', { limits, now: T0 + 61_001 }))).toMatchObject({ ok: false, reason: 'rpm' });
  });

  it('TPM: tokens as corrected by settle survive; other keys keep their own windows', async () => {
    const account = await seedUser('restart-tpm');
    const limits = { ...NO_LIMITS, tpm: 100 };
    const first = request('restart-tpm', { limits, input_tokens: 20 });
    expect((await account().admit(first)).ok).toBe(true);
    // The request really used 90 tokens (prompt and answer).
    await account().settle({ user_id: 'restart-tpm', key_id: 'k1', request_id: first.request_id, now: T0 + 1, charge_nanousd: 0, tokens: 90 });
    expect((await account().admit(request('restart-tpm', { limits, key_id: 'k2', input_tokens: 50, now: T0 + 2 }))).ok).toBe(true);

    await restart(account);

    const status = await account().status({ user_id: 'restart-tpm', key_id: 'k1', now: T0 + 5_000 });
    expect(status.key).toMatchObject({ requests_last_minute: 1, tokens_last_minute: 90 });
    expect(await account().admit(request('restart-tpm', { limits, input_tokens: 11, now: T0 + 5_000 }))).toMatchObject({ ok: false, reason: 'tpm' });
    expect((await account().admit(request('restart-tpm', { limits, input_tokens: 10, now: T0 + 5_001 }))).ok).toBe(true);
    expect((await account().status({ user_id: 'restart-tpm', key_id: 'k2', now: T0 + 5_000 })).key.tokens_last_minute).toBe(50);
  });

  it('forgets nothing but the expired: buckets older than the minute are neither restored nor kept', async () => {
    const account = await seedUser('restart-prune');
    const limits = { ...NO_LIMITS, rpm: 100 };
    expect((await account().admit(request('restart-prune', { limits }))).ok).toBe(true);
    // Over a minute later: the sweep deletes the old second's row.
    expect((await account().admit(request('restart-prune', { limits, now: T0 + 62_000 }))).ok).toBe(true);
    await restart(account);
    const status = await account().status({ user_id: 'restart-prune', key_id: 'k1', now: T0 + 62_500 });
    expect(status.key.requests_last_minute).toBe(1);
  });
});
