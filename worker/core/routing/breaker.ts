// A circuit breaker per channel, as a pure state machine: every transition is a function of
// (state, event, now) returning a new state. Closed → open after a burst of failures (a
// decayed failure count over a short window, or a run of consecutive failures); open →
// half-open after a cool-down that doubles on each failed probe up to a cap; half-open lets
// a limited number of probes through; a success closes it again.
import type { ErrorClass } from '../types';
import type { BreakerState } from './types';

export interface BreakerOptions {
  /** Time constant of the decayed failure and success counts (ms). */
  window_ms: number;
  /** Decayed failures needed to open, together with failure_share. */
  min_failures: number;
  failure_share: number;
  /** Consecutive failures that open the breaker whatever the window says. */
  consecutive_failures: number;
  /** How much a 429 counts: rate limiting is load shedding, not an outage. */
  rate_limit_weight: number;
  base_cooldown_ms: number;
  max_cooldown_ms: number;
  /** Probes allowed in flight while half-open. */
  half_open_probes: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  window_ms: 5_000,
  min_failures: 4,
  failure_share: 0.5,
  consecutive_failures: 3,
  rate_limit_weight: 0.5,
  base_cooldown_ms: 2_000,
  max_cooldown_ms: 10_000,
  half_open_probes: 1,
};

export interface Breaker {
  readonly status: BreakerState;
  /** Decayed counts as of updated_at. */
  readonly failures: number;
  readonly successes: number;
  readonly updated_at: number;
  readonly consecutive_failures: number;
  readonly opened_at: number;
  readonly cooldown_ms: number;
  readonly probes_in_flight: number;
  /** When a probe last closed it (0: never); a quick relapse keeps the grown cool-down. */
  readonly closed_at: number;
  /** Evidence time of the newest failure (0: none). */
  readonly failed_at: number;
}

export function closedBreaker(options: BreakerOptions = DEFAULT_BREAKER): Breaker {
  return {
    status: 'closed',
    failures: 0,
    successes: 0,
    updated_at: 0,
    consecutive_failures: 0,
    opened_at: 0,
    cooldown_ms: options.base_cooldown_ms,
    probes_in_flight: 0,
    closed_at: 0,
    failed_at: 0,
  };
}

/** The state routing should see now: open turns half-open once the cool-down has passed. */
export function breakerStatus(breaker: Breaker, now: number, options: BreakerOptions = DEFAULT_BREAKER): BreakerState {
  if (breaker.status === 'closed') return 'closed';
  const cooled = breaker.status === 'half_open' || now >= breaker.opened_at + breaker.cooldown_ms;
  if (!cooled) return 'open';
  return breaker.probes_in_flight < options.half_open_probes ? 'half_open' : 'open';
}

/** An attempt starts on the channel; while half-open it is a probe. */
export function breakerAttemptStarted(breaker: Breaker, now: number, options: BreakerOptions = DEFAULT_BREAKER): Breaker {
  if (breaker.status === 'closed') return breaker;
  if (breakerStatus(breaker, now, options) !== 'half_open') return breaker;
  return { ...breaker, status: 'half_open', probes_in_flight: breaker.probes_in_flight + 1 };
}

/**
 * An attempt ended. `client` and `cancelled` outcomes say nothing about the channel.
 * `evidenceAt` is when the outcome was decided upstream: for a success, its first byte (a
 * long stream that started before an outage ends well after it began, and must not count
 * as news that the channel works). Defaults to `now`.
 */
export function breakerAttemptEnded(
  breaker: Breaker,
  errorClass: ErrorClass,
  now: number,
  options: BreakerOptions = DEFAULT_BREAKER,
  evidenceAt: number = now,
): Breaker {
  if ((errorClass === 'cancelled' || errorClass === 'client') && breaker.status !== 'closed' && breaker.probes_in_flight > 0) {
    // A cancelled probe (a hedge's loser, a client gone) or one refused for the request's own
    // fault is no verdict, but it must give its slot back: a slot kept forever would hold the
    // breaker open for good.
    return { ...breaker, probes_in_flight: breaker.probes_in_flight - 1 };
  }
  if (errorClass === 'client' || errorClass === 'cancelled') return breaker;
  const ok = errorClass === 'none';
  if (breaker.status === 'open' && breakerStatus(breaker, now, options) === 'open') {
    return breaker; // a straggler that started before the breaker opened
  }
  if (ok && evidenceAt < breaker.failed_at) {
    return breaker; // old news: it answered before the newest failure
  }
  if (breaker.status !== 'closed' && ok && evidenceAt < breaker.opened_at) {
    return breaker; // a stream from before the breaker opened, not a probe
  }
  if (breaker.status !== 'closed') {
    // Half-open (or open and cooled): the outcome is the probe's verdict.
    if (ok) return { ...closedBreaker(options), cooldown_ms: breaker.cooldown_ms, closed_at: now };
    return {
      ...breaker,
      status: 'open',
      opened_at: now,
      failed_at: now,
      cooldown_ms: Math.min(options.max_cooldown_ms, breaker.cooldown_ms * 2),
      probes_in_flight: Math.max(0, breaker.probes_in_flight - 1),
    };
  }
  const decay = breaker.updated_at === 0 ? 0 : Math.exp(-Math.max(0, now - breaker.updated_at) / options.window_ms);
  const weight = errorClass === 'rate_limit' ? options.rate_limit_weight : 1;
  const failures = breaker.failures * decay + (ok ? 0 : weight);
  const successes = breaker.successes * decay + (ok ? 1 : 0);
  const consecutive = ok ? 0 : breaker.consecutive_failures + 1;
  const burst = failures >= options.min_failures && failures >= options.failure_share * (failures + successes);
  if (!ok && (burst || consecutive >= options.consecutive_failures)) {
    const relapse = breaker.closed_at > 0 && now - breaker.closed_at < 2 * options.max_cooldown_ms;
    return {
      ...breaker,
      status: 'open',
      failures,
      successes,
      updated_at: now,
      consecutive_failures: consecutive,
      failed_at: now,
      opened_at: now,
      cooldown_ms: relapse ? Math.min(options.max_cooldown_ms, breaker.cooldown_ms * 2) : options.base_cooldown_ms,
      probes_in_flight: 0,
    };
  }
  return {
    ...breaker,
    failures,
    successes,
    updated_at: now,
    consecutive_failures: consecutive,
    failed_at: ok ? breaker.failed_at : now,
  };
}
