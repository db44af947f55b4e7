import { describe, expect, it } from 'vitest';
import { HEDGE_CONSTANTS, HedgeBudget, hedgeDelayMs, hedgeEnabled } from './hedge';
import { score } from './test-support';

describe('hedge delay', () => {
  it('hedges in performance mode by default, elsewhere only when asked', () => {
    expect(hedgeEnabled({ mode: 'performance', max_attempts: 3 })).toBe(true);
    expect(hedgeEnabled({ mode: 'balanced', max_attempts: 3 })).toBe(false);
    expect(hedgeEnabled({ mode: 'balanced', max_attempts: 3, hedge: true })).toBe(true);
    expect(hedgeEnabled({ mode: 'performance', max_attempts: 3, hedge: false })).toBe(false);
  });

  it('by default (performance mode) waits past the body of the TTFT, so that only a tail is hedged', () => {
    const policy = { mode: 'performance' as const, max_attempts: 3 };
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 640, ttft_p95_ms: 700 }), policy)).toBe(HEDGE_CONSTANTS.tail_factor * 700);
    // A p95 resting on too few attempts says nothing about a tail: no default hedge.
    expect(hedgeDelayMs(score('a', { ttft_p95_ms: 700, samples: HEDGE_CONSTANTS.min_samples - 1 }), policy)).toBeNull();
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 640, ttft_p95_ms: null }), policy)).toBeNull();
  });

  it('when asked (hedge: true) waits for the channel\'s own p90 TTFT, falling back to p95, then 2 × p50', () => {
    const policy = { mode: 'performance' as const, max_attempts: 3, hedge: true };
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 640 }), policy)).toBe(640);
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: null, ttft_p95_ms: 700 }), policy)).toBe(700);
    expect(hedgeDelayMs(score('a', { ttft_p95_ms: null, ttft_p50_ms: 300 }), policy)).toBe(600);
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 5 }), policy)).toBe(HEDGE_CONSTANTS.min_delay_ms);
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 640, samples: 3 }), { mode: 'balanced', max_attempts: 3, hedge: true })).toBe(640);
  });

  it('does not hedge without numbers or when the policy says no', () => {
    expect(hedgeDelayMs(undefined, { mode: 'performance', max_attempts: 3 })).toBeNull();
    expect(hedgeDelayMs(score('a', { ttft_p50_ms: null, ttft_p95_ms: null }), { mode: 'performance', max_attempts: 3 })).toBeNull();
    expect(hedgeDelayMs(score('a', { ttft_p90_ms: 640 }), { mode: 'economy', max_attempts: 3 })).toBeNull();
  });
});

describe('hedge budget', () => {
  it('allows at most the request share of hedges over the window', () => {
    let now = 0;
    const budget = new HedgeBudget(() => now);
    expect(budget.allows()).toBe(false); // nothing to take a share of yet
    for (let index = 0; index < 100; index++) budget.recordRequest(0.01);
    let hedges = 0;
    while (budget.allows()) {
      budget.recordHedge(0);
      hedges++;
    }
    expect(hedges).toBe(10);
    // The window slides: a minute later the old requests and hedges no longer count.
    now = 61_000;
    for (let index = 0; index < 20; index++) budget.recordRequest(0.01);
    expect(budget.totals()).toMatchObject({ requests: 20, hedges: 0 });
    expect(budget.allows()).toBe(true);
  });

  it('stops when the hedges\' extra cost reaches its share of the cost', () => {
    const budget = new HedgeBudget(() => 5_000, { max_request_share: 1 });
    for (let index = 0; index < 10; index++) budget.recordRequest(0.01);
    budget.recordHedge(0);
    budget.recordHedge(0.011, 0); // settled: more than 10% of $0.10
    expect(budget.allows()).toBe(false);
    expect(budget.totals().hedges).toBe(1);
  });
});
