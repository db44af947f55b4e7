// A channel that was healthy a moment ago and has just broken: the newest attempts fail in
// a row while older successes still dominate the recent ring. It must be called down.
import { describe, expect, it } from 'vitest';
import { computeScores } from './scoring';
import type { WindowStats } from './types';

const base: WindowStats = {
  channel_id: 'c', model: 'm', requests: 40, successes: 37, errors_rate_limit: 0, errors_server: 0,
  errors_timeout: 0, errors_connection: 3, errors_other: 0, ttft_p50_ms: 100, ttft_p95_ms: 200,
  tokens_per_s: 50, last_ts: 1_000, recent_failures: 3, recent_attempts: 10,
};

describe('down by failure streak', () => {
  it('three newest failures in a row make a channel down', () => {
    expect(computeScores([{ ...base, failure_streak: 3 }])[0]!.down).toBe(true);
  });
  it('the same failures spread out do not', () => {
    expect(computeScores([{ ...base, failure_streak: 0 }])[0]!.down).toBe(false);
  });
  it('a streak of rate limiting is not an outage', () => {
    expect(computeScores([{ ...base, errors_connection: 0, errors_rate_limit: 3, failure_streak: 3 }])[0]!.down).toBe(false);
  });
});
