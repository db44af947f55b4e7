// When the account object fails, the client hears only "billing is briefly unavailable", but
// the log says why (name and message), with anything shaped like a key redacted.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyContext } from '../auth/key-context';
import type { Bindings } from '../env';
import { admit, causeOf } from './admission';

const auth = {
  key_id: 'key-1', key_name: 'k', user_id: 'user-1', group_id: 'default', models: ['*'],
  rpm: null, tpm: null, budget_daily_usd: null, budget_monthly_usd: null, user_budget_monthly_usd: null, routing: {},
} as unknown as KeyContext;

function envWhoseAccount(methods: Record<string, () => Promise<unknown>>): Bindings {
  return { ACCOUNTS: { idFromName: () => ({}), get: () => methods } } as unknown as Bindings;
}

const request = { request_id: 'req-1', max_charge_usd: 0.01, input_tokens: 10, max_output_tokens: 100, now: 1 };

afterEach(() => vi.restoreAllMocks());

describe('admission failures', () => {
  it('log the cause and keep the client message generic', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const env = envWhoseAccount({
      admit: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'windows') near Bearer sk-live-abcdefghijkl");
      },
    });
    const result = await admit(env, auth, request);
    expect(result).toMatchObject({ ok: false, error: { kind: 'upstream', status: 503 } });
    if (result.ok) return;
    expect(result.error.message).toBe('Billing is briefly unavailable; the request was not started. Try again.');
    const line = logged.mock.calls.map((call) => String(call[0])).join('\n');
    expect(line).toContain("TypeError: Cannot read properties of undefined (reading 'windows')");
    expect(line).toContain('req-1');
    expect(line).not.toContain('sk-live-abcdefghijkl');
  });

  it('log why a settle never reached the account object', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const env = envWhoseAccount({
      admit: async () => ({ ok: true }),
      settle: async () => {
        throw new RangeError('reservation table full');
      },
    });
    const result = await admit(env, auth, request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    await result.value.settle(0.001, { input_tokens: 10, output_tokens: 20 });
    expect(logged.mock.calls.map((call) => String(call[0])).join('\n')).toContain('RangeError: reservation table full');
  });

  it.each([
    [new Error('boom'), 'Error: boom'],
    ['a string', 'non-error thrown: a string'],
    [{ some: 'object' }, 'non-error thrown: object'],
  ])('describe %s', (caught, expected) => {
    expect(causeOf(caught)).toBe(expected);
  });
});
