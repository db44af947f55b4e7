// Hedged requests (issue 14): when the first channel has produced no token by its hedge
// delay, start the next attempt of the plan; the first to produce a token wins and the other
// is cancelled (its tokens so far are logged and costed). The extra spend is capped by an
// isolate-local, time-windowed budget, as a share of requests and as a share of cost. Pure:
// the clock is injected.
import type { ChannelScore } from '../types';
import type { RoutingPolicy } from './types';

export const HEDGE_CONSTANTS = {
  /** Never hedge sooner than this: below it a hedge mostly duplicates healthy requests. */
  min_delay_ms: 50,
  /** Asked-for hedging without a p90: the p95 (a later, cheaper trigger); without either, this × p50. */
  p50_factor: 2,
  /**
   * Default hedging (performance mode, not asked for) waits this × the channel's p95 TTFT.
   * The pushed quantiles stop at p95 and a tail of a few percent lies beyond it, so no ratio
   * of them can see one (heavy-tail.json: p90/p50 is 1.25 with a 3% Pareto tail, as on
   * fleets with none). Waiting past the body is the test itself: a channel whose first
   * tokens have no tail (uniform or log-normal jitter keeps nearly all of them under
   * 1.5 × p95) is almost never hedged, and the requests that do get this far are in a tail
   * (or a hang), where a fresh attempt answers much sooner than the one waiting.
   */
  tail_factor: 1.5,
  /** Default hedging needs a p95 resting on at least this many attempts: a thin one says nothing about a tail. */
  min_samples: 20,
} as const;

/** Hedging is on when the policy says so; absent, in `performance` mode only. */
export function hedgeEnabled(policy: RoutingPolicy): boolean {
  return policy.hedge ?? policy.mode === 'performance';
}

/**
 * How long to wait for the first attempt's first token before starting the next attempt, ms;
 * null: do not hedge (off by policy, or nothing known about the channel's TTFT — without a
 * number, "slow" has no meaning and a guess would hedge healthy requests).
 *
 * Asked for (`hedge: true`): at the channel's own p90, always (within the budget): the
 * caller buys a lower tail with ~10% more attempts. By default (performance mode): only
 * where it can pay, at tail_factor × p95 with enough samples (see HEDGE_CONSTANTS).
 */
export function hedgeDelayMs(score: ChannelScore | undefined, policy: RoutingPolicy): number | null {
  if (!hedgeEnabled(policy) || score === undefined) return null;
  if (policy.hedge !== true) return tailDelayMs(score);
  const trigger =
    positive(score.ttft_p90_ms) ??
    positive(score.ttft_p95_ms) ??
    (positive(score.ttft_p50_ms) === null ? null : HEDGE_CONSTANTS.p50_factor * score.ttft_p50_ms!);
  if (trigger === null) return null;
  return Math.max(HEDGE_CONSTANTS.min_delay_ms, trigger);
}

/** The default trigger: past the body of the channel's TTFT, so that only a tail is hedged. */
function tailDelayMs(score: ChannelScore): number | null {
  const p95 = positive(score.ttft_p95_ms);
  if (p95 === null || !(score.samples >= HEDGE_CONSTANTS.min_samples)) return null;
  return Math.max(HEDGE_CONSTANTS.min_delay_ms, HEDGE_CONSTANTS.tail_factor * p95);
}

function positive(value: number | null | undefined): number | null {
  return value !== undefined && value !== null && value > 0 && Number.isFinite(value) ? value : null;
}

export interface HedgeBudgetOptions {
  /** Hedges at most this share of requests… */
  max_request_share: number;
  /** …and their extra cost at most this share of the requests' cost. */
  max_cost_share: number;
  /** Over this sliding window (ms). */
  window_ms: number;
  /** Buckets the window is kept in (the window slides by window_ms / buckets). */
  buckets: number;
}

export const DEFAULT_HEDGE_BUDGET: HedgeBudgetOptions = {
  max_request_share: 0.1,
  max_cost_share: 0.1,
  window_ms: 60_000,
  buckets: 12,
};

/**
 * The isolate's hedge budget. Call recordRequest(cost) once per finished request (its cost
 * without the hedge), recordHedge(0) when a hedge starts (it counts against the request
 * share at once, so that a burst of slow first tokens cannot overspend before any settles)
 * and recordHedge(extraCost, 0) when it settles; allows() before starting one.
 */
export class HedgeBudget {
  readonly options: HedgeBudgetOptions;
  readonly #clock: () => number;
  readonly #requests: Float64Array;
  readonly #cost: Float64Array;
  readonly #hedges: Float64Array;
  readonly #hedgeCost: Float64Array;
  /** The bucket number (time / bucket width) each slot last held. */
  readonly #epochs: Float64Array;

  constructor(clock: () => number, options: Partial<HedgeBudgetOptions> = {}) {
    this.options = { ...DEFAULT_HEDGE_BUDGET, ...options };
    this.#clock = clock;
    const buckets = Math.max(1, Math.floor(this.options.buckets));
    this.#requests = new Float64Array(buckets);
    this.#cost = new Float64Array(buckets);
    this.#hedges = new Float64Array(buckets);
    this.#hedgeCost = new Float64Array(buckets);
    this.#epochs = new Float64Array(buckets).fill(-1);
  }

  /** True when one more hedge keeps both shares within the budget over the window. */
  allows(): boolean {
    const totals = this.totals();
    if (totals.hedges + 1 > this.options.max_request_share * totals.requests) return false;
    return totals.hedge_cost <= this.options.max_cost_share * totals.cost;
  }

  recordRequest(costUsd: number): void {
    const slot = this.#slot();
    this.#requests[slot]! += 1;
    this.#cost[slot]! += finite(costUsd);
  }

  recordHedge(extraCostUsd: number, count = 1): void {
    const slot = this.#slot();
    this.#hedges[slot]! += count;
    this.#hedgeCost[slot]! += finite(extraCostUsd);
  }

  /** Sums over the window (for tests and the debug output). */
  totals(): { requests: number; cost: number; hedges: number; hedge_cost: number } {
    const epoch = this.#epoch();
    const length = this.#epochs.length;
    let requests = 0;
    let cost = 0;
    let hedges = 0;
    let hedgeCost = 0;
    for (let slot = 0; slot < length; slot++) {
      if (epoch - this.#epochs[slot]! >= length) continue; // older than the window
      requests += this.#requests[slot]!;
      cost += this.#cost[slot]!;
      hedges += this.#hedges[slot]!;
      hedgeCost += this.#hedgeCost[slot]!;
    }
    return { requests, cost, hedges, hedge_cost: hedgeCost };
  }

  #epoch(): number {
    return Math.floor(this.#clock() / (this.options.window_ms / this.#epochs.length));
  }

  /** The current bucket, emptied first when it last held an older one. */
  #slot(): number {
    const epoch = this.#epoch();
    const slot = ((epoch % this.#epochs.length) + this.#epochs.length) % this.#epochs.length;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#requests[slot] = 0;
      this.#cost[slot] = 0;
      this.#hedges[slot] = 0;
      this.#hedgeCost[slot] = 0;
    }
    return slot;
  }
}

function finite(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
