// The in-memory structures of the account object against the plain definitions they replace:
// the rate window against a sorted list of the last minute's requests walked in full, the
// reservations against a list summed in full, over thousands of random operations.
import { describe, expect, it } from 'vitest';
import { RATE_WINDOW_MS, RateWindow, type RateVerdict } from './rate-window';
import { Reservations, type Reservation } from './reservations';

/** The definition (the account object's first version): walk every request of the last minute. */
function referenceCheck(hits: Array<{ at: number; tokens: number }>, now: number, rpm: number | null, tpm: number | null, tokens: number): RateVerdict {
  if (rpm !== null && hits.length + 1 > rpm) return { ok: false, limit: 'rpm', retry_after_ms: Math.max(1, hits[hits.length - rpm]!.at + RATE_WINDOW_MS - now) };
  if (tpm !== null) {
    if (tokens > tpm) return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS, never: true };
    let total = tokens;
    for (const hit of hits) total += hit.tokens;
    if (total > tpm) {
      for (const hit of hits) {
        total -= hit.tokens;
        if (total <= tpm) return { ok: false, limit: 'tpm', retry_after_ms: Math.max(1, hit.at + RATE_WINDOW_MS - now) };
      }
      return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS };
    }
  }
  return { ok: true };
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('RateWindow', () => {
  it('gives the same verdicts, counts and tokens as walking the whole minute, over 20,000 random operations', () => {
    const next = random(42);
    const window = new RateWindow();
    const hits: Array<{ id: string; at: number; tokens: number }> = [];
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      now += Math.floor(next() * 40);
      window.evict(now);
      const live = hits.filter((hit) => hit.at > now - RATE_WINDOW_MS);
      hits.splice(0, hits.length, ...live);
      const rpm = next() < 0.3 ? null : 1 + Math.floor(next() * 3_000);
      const tpm = next() < 0.3 ? null : Math.floor(next() * 200_000);
      const tokens = Math.floor(next() * 300);
      const verdict = window.check(now, rpm, tpm, tokens);
      expect(verdict).toEqual(referenceCheck(hits, now, rpm, tpm, tokens));
      expect(window.count).toBe(hits.length);
      expect(window.tokens).toBe(hits.reduce((sum, hit) => sum + hit.tokens, 0));
      if (verdict.ok || next() < 0.5) {
        const id = `r${step}`;
        window.add(id, now, tokens);
        hits.push({ id, at: now, tokens });
      }
      if (hits.length > 0 && next() < 0.6) {
        // A settle corrects a recent request's estimate.
        const hit = hits[Math.floor(next() * hits.length)]!;
        hit.tokens = Math.floor(next() * 2_000);
        window.correct(hit.id, hit.tokens);
      }
    }
  });

  it('refuses everything at rpm 0 instead of failing', () => {
    expect(new RateWindow().check(0, 0, null, 1)).toMatchObject({ ok: false, limit: 'rpm', never: true });
  });
});

describe('Reservations', () => {
  it('keeps totals and expiry exact against a plain list, over 20,000 random operations', () => {
    const next = random(7);
    const book = new Reservations();
    let open: Reservation[] = [];
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      now += Math.floor(next() * 100);
      const expired = book.expire(now).map((entry) => entry.request_id).sort();
      expect(expired).toEqual(open.filter((entry) => entry.expires_at <= now).map((entry) => entry.request_id).sort());
      open = open.filter((entry) => entry.expires_at > now);
      if (next() < 0.55) {
        // Callers' clocks disagree a little: expiry is not in admission order.
        const entry = { request_id: `r${step}`, key_id: `k${Math.floor(next() * 4)}`, amount: Math.floor(next() * 1_000), expires_at: now + 10_000 + Math.floor(next() * 500) };
        book.add(entry);
        open.push(entry);
      } else if (open.length > 0) {
        const [removed] = open.splice(Math.floor(next() * open.length), 1);
        expect(book.remove(removed!.request_id)).toMatchObject(removed!);
      }
      expect(book.size).toBe(open.length);
      expect(book.total).toBe(open.reduce((sum, entry) => sum + entry.amount, 0));
      expect(book.reservedFor('k1')).toBe(open.filter((entry) => entry.key_id === 'k1').reduce((sum, entry) => sum + entry.amount, 0));
    }
  });
});
