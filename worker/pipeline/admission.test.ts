// When the account object fails, the client hears only "billing is briefly unavailable", but
// the log says why (name and message), with anything shaped like a key redacted.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyContext } from '../auth/key-context';
import type { LeaseInput, LeaseResult } from '../accounts/account-types';
import { LeaseBook } from '../accounts/lease';
import { admit, causeOf } from './admission';

const auth = {
  key_id: 'key-1', key_name: 'k', user_id: 'user-1', group_id: 'default', models: ['*'],
  rpm: null, tpm: null, budget_daily_usd: null, budget_monthly_usd: null, user_budget_monthly_usd: null, routing: {},
} as unknown as KeyContext;

const request = { request_id: 'req-1', max_charge_usd: 0.01, input_tokens: 10, max_output_tokens: 100, now: 1 };
const granted = (input: LeaseInput): LeaseResult => ({
  ok: true, granted_nanousd: input.need_nanousd, slots: [], granted_tokens: 0, expires_at: Date.now() + 10_000, available_nanousd: 1e12,
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('admission failures', () => {
  it('log the cause and keep the client message generic', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const book = new LeaseBook(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'windows') near Bearer sk-live-abcdefghijkl");
    });
    const result = await admit(book, auth, request, () => {});
    expect(result).toMatchObject({ ok: false, error: { kind: 'upstream', status: 503 } });
    if (result.ok) return;
    expect(result.error.message).toBe('Billing is briefly unavailable; the request was not started. Try again.');
    const line = logged.mock.calls.map((call) => String(call[0])).join('\n');
    expect(line).toContain("TypeError: Cannot read properties of undefined (reading 'windows')");
    expect(line).toContain('req-1');
    expect(line).not.toContain('sk-live-abcdefghijkl');
  });

  it('settle returns at once, and a report that never reaches the object is logged and kept', async () => {
    vi.useFakeTimers();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const calls: LeaseInput[] = [];
    let failing = false;
    const book = new LeaseBook(async (_user, input) => {
      calls.push(input);
      if (failing) throw new RangeError('reservation table full');
      return granted(input);
    });
    const kept: Promise<unknown>[] = [];
    const result = await admit(book, auth, request, (promise) => kept.push(promise));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    failing = true;
    await result.value.settle(0.001, { input_tokens: 10, output_tokens: 20 });
    expect(calls).toHaveLength(1); // settling did not call the object
    expect(kept).toHaveLength(1); // but the report is kept alive in the background
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.settled).toEqual([expect.objectContaining({ request_id: 'req-1', charge_nanousd: 1_000_000, tokens: 30 })]);
    expect(logged.mock.calls.map((call) => String(call[0])).join('\n')).toContain('RangeError: reservation table full');
    // The next report carries it again.
    failing = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls[2]!.settled.map((item) => item.request_id)).toEqual(['req-1']);
  });

  it('a busy lease asks for a slice twice what its requests held at once, not one request at a time', async () => {
    const calls: LeaseInput[] = [];
    const book = new LeaseBook(async (_user, input) => {
      calls.push(input);
      return { ...granted(input), granted_nanousd: input.need_nanousd + input.slice_nanousd };
    });
    // Ten requests of $0.01 in flight at once: the first call holds $0.01 + the $0.05 floor.
    for (let i = 0; i < 10; i++) expect((await admit(book, auth, { ...request, request_id: `busy-${i}` }, () => {})).ok).toBe(true);
    expect(calls[0]!.slice_nanousd).toBe(50_000_000);
    // The sixth emptied the lease with $0.06 in flight: a top-up ahead of need asked for twice
    // that, and the last four were admitted from it without asking again.
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ need_nanousd: 0, slice_nanousd: 120_000_000 });
  });

  it.each([
    [new Error('boom'), 'Error: boom'],
    ['a string', 'non-error thrown: a string'],
    [{ some: 'object' }, 'non-error thrown: object'],
  ])('describe %s', (caught, expected) => {
    expect(causeOf(caught)).toBe(expected);
  });
});
