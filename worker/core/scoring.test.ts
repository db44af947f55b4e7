import { describe, expect, it } from 'vitest';
import { binomialLowerTail, binomialUpperTail, computeScores } from './scoring';
import type { WindowStats } from './types';

function stats(overrides: Partial<WindowStats>): WindowStats {
  return {
    channel_id: 'a',
    model: 'm',
    requests: 0,
    successes: 0,
    errors_rate_limit: 0,
    errors_server: 0,
    errors_timeout: 0,
    errors_connection: 0,
    errors_other: 0,
    ttft_p50_ms: 300,
    ttft_p95_ms: 500,
    tokens_per_s: 80,
    last_ts: 1000,
    recent_failures: 0,
    recent_attempts: 0,
    ...overrides,
  };
}

const one = (row: Partial<WindowStats>) => computeScores([stats(row)])[0]!;

describe('computeScores', () => {
  it('smooths: three lucky requests are not 100%', () => {
    const lucky = one({ requests: 3, successes: 3, recent_attempts: 3 });
    expect(lucky.success_p).toBeLessThan(0.97);
    const proven = one({ requests: 2000, successes: 1998, recent_attempts: 10 });
    expect(proven.success_p).toBeGreaterThan(0.995);
  });

  it('marks a hard outage down from the newest attempts, before the window notices', () => {
    const score = one({ requests: 600, successes: 590, errors_connection: 10, recent_attempts: 10, recent_failures: 9 });
    expect(score.down).toBe(true);
    expect(score.success_p).toBeLessThan(0.3);
  });

  it('is not down for a steady error rate', () => {
    const score = one({ requests: 600, successes: 570, errors_server: 30, recent_attempts: 10, recent_failures: 1 });
    expect(score.down).toBe(false);
    expect(score.success_p).toBeGreaterThan(0.93);
    expect(score.success_p).toBeLessThan(0.96);
  });

  it('does not call a rate-limited channel down', () => {
    const score = one({ requests: 100, successes: 20, errors_rate_limit: 80, recent_attempts: 10, recent_failures: 9 });
    expect(score.down).toBe(false);
    expect(score.error_mix.rate_limit).toBe(1);
  });

  it('believes a recovery the window still remembers', () => {
    const recovered = one({ requests: 60, successes: 20, errors_connection: 40, recent_attempts: 20, recent_failures: 0 });
    expect(recovered.down).toBe(false);
    expect(recovered.success_p).toBeGreaterThan(0.9);
  });

  it('shrinks stale evidence towards the prior when given the time', () => {
    const row = stats({ requests: 100, successes: 50, errors_server: 50, recent_attempts: 10, recent_failures: 5, last_ts: 0 });
    const fresh = computeScores([row], { prior_success: 0.95, prior_weight: 10, down_recent_share: 0.7, min_recent: 3, now: 1 })[0]!;
    const stale = computeScores([row], { prior_success: 0.95, prior_weight: 10, down_recent_share: 0.7, min_recent: 3, now: 600_000 })[0]!;
    expect(stale.success_p).toBeGreaterThan(fresh.success_p);
  });

  it('binomial tails are exact for small n', () => {
    expect(binomialLowerTail(0, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialLowerTail(10, 10, 0.3)).toBe(1);
  });

  it('passes on TTFT p90, cached TTFT and cluster concurrency, and the cache hit rate only over enough warm attempts', () => {
    const learned = one({
      requests: 200,
      successes: 200,
      ttft_p90_ms: 640,
      warm_attempts: 40,
      warm_cache_hits: 30,
      cached_ttft_p50_ms: 180,
      in_flight: 37.5,
    });
    expect(learned).toMatchObject({ ttft_p90_ms: 640, cache_hit_rate: 0.75, cached_ttft_p50_ms: 180, in_flight: 37.5 });
    // Three warm attempts say little: null, so that the router keeps its prior.
    expect(one({ requests: 200, successes: 200, warm_attempts: 3, warm_cache_hits: 3 }).cache_hit_rate).toBeNull();
    // An older node that sends none of them: nulls, never undefined holes.
    expect(one({ requests: 10, successes: 10 })).toMatchObject({
      ttft_p90_ms: null,
      cache_hit_rate: null,
      cached_ttft_p50_ms: null,
      in_flight: null,
    });
  });
});
