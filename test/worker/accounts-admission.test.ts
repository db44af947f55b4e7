// admit() as the pipeline calls it, on this isolate's lease book and the real account object:
// refusals mapped to the error table, the TPM window corrected by the actual usage once the
// lease reports, and fail-closed when the account object cannot be reached.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { admit } from '../../worker/pipeline/admission';
import { LeaseBook } from '../../worker/accounts/lease';
import type { KeyContext } from '../../worker/auth/key-context';

const auth: KeyContext = {
  key_id: 'key-admission', key_name: 'k', user_id: 'admission-user', group_id: 'default', models: ['*'],
  rpm: 1, tpm: null, budget_daily_usd: null, budget_monthly_usd: null, user_budget_monthly_usd: null, routing: {}, balance_nanousd: 0,
};
const request = (id: string) => ({ request_id: id, max_charge_usd: 0.01, input_tokens: 10, max_output_tokens: 100, now: Date.now() });
const book = () => new LeaseBook((userId, input) => env.ACCOUNTS.get(env.ACCOUNTS.idFromName(userId)).lease(input));
const noWait = () => {};

describe('admit', () => {
  it('admits, settles, then answers 429 with retry-after seconds and 402 for the balance', async () => {
    await env.DB.prepare("INSERT INTO users (id, balance_nanousd) VALUES ('admission-user', 20000000)").run();
    const leases = book();
    const first = await admit(leases, auth, request('a1'), noWait);
    expect(first.ok).toBe(true);
    if (first.ok) await first.value.settle(0.015);
    const limited = await admit(leases, auth, request('a2'), noWait);
    expect(limited).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
    if (!limited.ok && limited.error.kind === 'rate_limited') expect(limited.error.retry_after_s).toBeGreaterThanOrEqual(59);
    // The charge reaches the object with the lease's report: then 0.005 is left, less than 0.01.
    await leases.flush(true);
    const broke = await admit(leases, { ...auth, key_id: 'other', rpm: null }, request('a3'), noWait);
    expect(broke).toMatchObject({ ok: false, error: { kind: 'insufficient_balance' } });
  });

  it('settle with the usage corrects the TPM window to the tokens actually used', async () => {
    await env.DB.prepare("INSERT INTO users (id, balance_nanousd) VALUES ('usage-user', 1000000000)").run();
    const tpmAuth = { ...auth, key_id: 'key-usage', user_id: 'usage-user', rpm: null, tpm: 1_000 };
    const account = env.ACCOUNTS.get(env.ACCOUNTS.idFromName('usage-user'));
    const window = async () => (await account.status({ user_id: 'usage-user', key_id: 'key-usage', now: Date.now() })).key;
    const leases = book();
    const first = await admit(leases, tpmAuth, request('u1'), noWait);
    expect(first.ok).toBe(true);
    // The input estimate (10) and the lease's allowance (10% of the TPM) are counted at once.
    expect((await window()).tokens_last_minute).toBe(110);
    if (first.ok) await first.value.settle(0.001, { input_tokens: 12, output_tokens: 700 });
    await leases.flush(true);
    expect(await window()).toMatchObject({ requests_last_minute: 1, tokens_last_minute: 712 });
    // 712 + 288 fill the 1,000 exactly; 10 more do not fit.
    const second = await admit(leases, tpmAuth, { ...request('u2'), input_tokens: 288 }, noWait);
    expect(second.ok).toBe(true);
    expect(await admit(leases, tpmAuth, request('u3'), noWait)).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
  });

  it('fails closed with a 503 when the account object is unreachable', async () => {
    const unreachable = new LeaseBook(async () => {
      throw new Error('network');
    });
    const result = await admit(unreachable, auth, request('b1'), noWait);
    expect(result).toMatchObject({ ok: false, error: { kind: 'upstream', status: 503 } });
  });
});
