// The lease book's report chain under steady traffic (issue 11, low-rate tail): a chain runs
// at most MAX_TICKS because a Workers timer dies with its request, and its last tick used to
// close every lease with nothing in flight, so every ~10 s the next request waited for a new
// lease from the account object. A later request's chain now takes over first: a lease in use
// is never closed, and no request after the first ever waits on the object.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountLimits, LeaseInput, LeaseResult } from './account-types';
import { LeaseBook, type LeaseRequest } from './lease';
import { LEASE_TTL_MS } from './lease-timing';

const NO_LIMITS: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };
const RESERVE = 8_000_000; // $0.008: a request's largest possible charge

/** The account object, recording every call: grants what is asked plus the slice. */
function fakeObject() {
  const calls: LeaseInput[] = [];
  const call = async (_userId: string, input: LeaseInput): Promise<LeaseResult> => {
    calls.push(input);
    const granted = input.need_nanousd + input.slice_nanousd;
    return { ok: true, granted_nanousd: granted, slots: [], granted_tokens: 0, expires_at: Date.now() + LEASE_TTL_MS, available_nanousd: 1e15 };
  };
  return { calls, call };
}

let counter = 0;
function request(): LeaseRequest {
  counter += 1;
  return { user_id: 'user-1', key_id: 'key-1', request_id: `chain-${counter}`, limits: NO_LIMITS, reserve_nanousd: RESERVE, input_tokens: 10 };
}

/**
 * About `rate` requests a second for `seconds` (gaps drawn between ½ and 1½ of the mean, so the
 * report ticks do not always land while a request is in flight), each admitted, held 2 ms and
 * settled; background work kept as waitUntil would.
 */
async function steadyTraffic(book: LeaseBook, rate: number, seconds: number, background: Array<Promise<unknown>>): Promise<void> {
  let seed = 7;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  for (let sent = 0; sent < rate * seconds; sent++) {
    const gap = Math.round((1_000 / rate) * (0.5 + random()));
    const admission = await book.admit(request(), (promise) => background.push(promise));
    expect(admission.ok).toBe(true);
    if (!admission.ok) return;
    await vi.advanceTimersByTimeAsync(2);
    const reporting = admission.ticket.settle(RESERVE / 10, 100);
    if (reporting) background.push(reporting.catch(() => {}));
    await vi.advanceTimersByTimeAsync(gap - 2);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the lease report chain under steady traffic', () => {
  it('never closes a lease in use: at 100 req/s for 25 s only the first request waits for the object', async () => {
    const object = fakeObject();
    const book = new LeaseBook(object.call, undefined, Date.now);
    const background: Array<Promise<unknown>> = [];
    await steadyTraffic(book, 100, 25, background);

    const grants = object.calls.filter((input) => input.need_nanousd > 0);
    const closes = object.calls.filter((input) => input.close);
    // One grant for the first request; every later request was admitted from memory.
    expect(grants).toHaveLength(1);
    expect(closes).toHaveLength(0);
    expect(book.size).toBe(1);
    // ...and what settled still reached the object about every second.
    const reported = object.calls.reduce((sum, input) => sum + input.settled.length, 0);
    expect(reported).toBeGreaterThan(2_500 - 2 * 64);
  });

  it('still closes the lease once traffic stops', async () => {
    const object = fakeObject();
    const book = new LeaseBook(object.call, undefined, Date.now);
    const background: Array<Promise<unknown>> = [];
    await steadyTraffic(book, 100, 12, background);
    await vi.advanceTimersByTimeAsync(12_000);
    await Promise.all(background);

    expect(book.size).toBe(0);
    const closes = object.calls.filter((input) => input.close);
    expect(closes).toHaveLength(1);
    // Every settled request was reported, the last ones with the close.
    expect(object.calls.reduce((sum, input) => sum + input.settled.length, 0)).toBe(1_200);
  });
});
