// How failed authentications from one client address are answered: the first few as usual,
// then each 401 after a growing delay, then a refusal (429) for a while. Pure: the thresholds
// come from bindings, the counting from failure-tracker.ts.
import { numberSetting } from '../env';

export interface FailurePolicy {
  /** Failures are counted per address in fixed windows of this length. */
  windowMs: number;
  /** Failures in a window answered at once; each one after is delayed. */
  slowAfter: number;
  /** Failures in a window after which the address is refused for `blockMs`. */
  blockAfter: number;
  blockMs: number;
  /** Delay added per failure past `slowAfter`, up to `maxDelayMs`. */
  delayStepMs: number;
  maxDelayMs: number;
}

/**
 * Defaults: 50 failures a minute from one address are answered at once (a team behind one NAT
 * with a stale key, the end-to-end suite's deliberate 401s), each one after that 100 ms more
 * slowly (up to 2 s), and past 200 the address is refused for ten minutes: a guessing client
 * gets about 200 guesses per eleven minutes per address.
 */
export function failurePolicyOf(env: Record<string, unknown>): FailurePolicy {
  const slowAfter = numberSetting(env.AUTH_SLOW_AFTER_FAILURES, 50);
  return {
    windowMs: 60_000,
    slowAfter,
    blockAfter: Math.max(slowAfter, numberSetting(env.AUTH_BLOCK_AFTER_FAILURES, 200)),
    blockMs: numberSetting(env.AUTH_BLOCK_S, 600) * 1_000,
    delayStepMs: numberSetting(env.AUTH_DELAY_STEP_MS, 100),
    maxDelayMs: 2_000,
  };
}

/** What one failure is answered with. */
export type FailureVerdict = { blocked: false; delay_ms: number } | { blocked: true; retry_after_ms: number };

/** State of one address: failures in the window that started at `window_start`, and any block. */
export interface FailureRecord {
  window_start: number;
  failures: number;
  blocked_until: number;
}

export const FRESH_RECORD: FailureRecord = { window_start: 0, failures: 0, blocked_until: 0 };

/** Count one failure at `now` into `record` and decide its answer (returns the new record). */
export function recordFailure(record: FailureRecord, now: number, policy: FailurePolicy): { record: FailureRecord; verdict: FailureVerdict } {
  if (record.blocked_until > now) return { record, verdict: { blocked: true, retry_after_ms: record.blocked_until - now } };
  const fresh = now - record.window_start >= policy.windowMs || now < record.window_start;
  const failures = (fresh ? 0 : record.failures) + 1;
  const window_start = fresh ? now : record.window_start;
  if (failures > policy.blockAfter) {
    // The block ends the window: once it lifts, counting starts again from nothing.
    const blocked_until = now + policy.blockMs;
    return { record: { window_start: now, failures: 0, blocked_until }, verdict: { blocked: true, retry_after_ms: policy.blockMs } };
  }
  const excess = failures - policy.slowAfter;
  const delay_ms = excess > 0 ? Math.min(policy.maxDelayMs, excess * policy.delayStepMs) : 0;
  return { record: { window_start, failures, blocked_until: 0 }, verdict: { blocked: false, delay_ms } };
}

/** A block still in force at `now`, as a verdict. */
export function blockOf(record: FailureRecord | undefined, now: number): FailureVerdict | null {
  return record !== undefined && record.blocked_until > now ? { blocked: true, retry_after_ms: record.blocked_until - now } : null;
}
