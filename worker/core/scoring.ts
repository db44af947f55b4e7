// Window statistics → per channel × model scores. Pure; shared by the analytics node and the
// routing simulator so that both judge a channel the same way.
//
// success_p is a Beta-smoothed success rate (three lucky requests are not "100%"). The
// window is long enough to be stable but slow to notice change, so the newest attempts are
// tested against it: when their failures are very unlikely under the window's failure rate
// (a binomial tail below `change_alpha`), the world has changed for the worse and the newest
// attempts alone decide; when they are better than the window, success_p moves towards them
// by the confidence that they differ (a recovery is believed as fast as the evidence allows). `down` is the fast verdict: most of the newest attempts failed,
// and not merely with 429s (rate limiting sheds load; it is not an outage).
import type { ChannelScore, WindowStats } from './types';

export interface ScoringOptions {
  /** Beta prior on success: behaves like `prior_weight` attempts at `prior_success`. */
  prior_success: number;
  prior_weight: number;
  /** A channel whose newest attempts failed at least this share (over ≥ min_recent) is down. */
  down_recent_share: number;
  min_recent: number;
  /** Tail probability under which the newest attempts are taken to show a change for the worse. */
  change_alpha?: number;
  /** Prior weight (in attempts) behind the newest-attempts estimate once a change is seen. */
  recent_prior_weight?: number;
  /** Failures that are at least this share 429s do not make a channel down. */
  rate_limit_share?: number;
  /** cache_hit_rate is pushed only over at least this many warm attempts (fewer: null, the router's prior). */
  min_warm_attempts?: number;
  /** When set, evidence older than stale_ms (by last_ts) is shrunk towards the prior. */
  now?: number;
  stale_ms?: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  prior_success: 0.95,
  prior_weight: 10,
  down_recent_share: 0.7,
  min_recent: 3,
  change_alpha: 0.001,
  recent_prior_weight: 2,
  rate_limit_share: 0.8,
  min_warm_attempts: 10,
  stale_ms: 120_000,
};

export function computeScores(
  stats: readonly WindowStats[],
  options: ScoringOptions = DEFAULT_SCORING,
): ChannelScore[] {
  return stats.map((row) => scoreOne(row, options));
}

function scoreOne(row: WindowStats, options: ScoringOptions): ChannelScore {
  const prior = options.prior_success;
  const priorWeight = options.prior_weight;
  const requests = Math.max(0, row.requests);
  const successes = Math.min(requests, Math.max(0, row.successes));
  const failures = requests - successes;
  const age = options.now === undefined ? 0 : Math.max(0, options.now - row.last_ts);
  const freshness = options.now === undefined ? 1 : Math.exp(-age / (options.stale_ms ?? 120_000));
  const windowP =
    (successes * freshness + prior * priorWeight) / (requests * freshness + priorWeight);
  const recentAttempts = Math.max(0, Math.min(row.recent_attempts, requests || row.recent_attempts));
  const recentFailures = Math.min(recentAttempts, Math.max(0, row.recent_failures));
  let success_p = windowP;
  if (recentAttempts > 0) {
    const windowFailure = 1 - windowP;
    const recentWeight = options.recent_prior_weight ?? 2;
    const recentP =
      ((recentAttempts - recentFailures) * freshness + prior * recentWeight) /
      (recentAttempts * freshness + recentWeight);
    if (binomialUpperTail(recentFailures, recentAttempts, windowFailure) < (options.change_alpha ?? 0.001)) {
      success_p = recentP; // the newest attempts fail far more than the window says: an outage
    } else if (recentP > windowP) {
      // Better than the window: move towards the newest attempts as far as the evidence of a
      // change goes (a recovery after a bad spell the window still remembers). A steady
      // channel's lucky streak moves it a little; a streak the window makes unlikely, a lot.
      const confidence = 1 - binomialLowerTail(recentFailures, recentAttempts, windowFailure);
      success_p = windowP + (recentP - windowP) * confidence;
    }
  }
  const counted = Math.max(1, failures);
  const rateLimitShare = row.errors_rate_limit / counted;
  // Down: most of the newest attempts failed, or the newest few failed in a row (a channel
  // that was healthy a moment ago and has just broken, which the isolates' breakers have
  // already stopped feeding) — unless the failures are mostly rate limiting.
  const streakDown = (row.failure_streak ?? 0) >= options.min_recent;
  const down =
    freshness > 0.5 &&
    recentAttempts >= options.min_recent &&
    (recentFailures / recentAttempts >= options.down_recent_share || streakDown) &&
    rateLimitShare < (options.rate_limit_share ?? 0.8);
  return {
    channel_id: row.channel_id,
    model: row.model,
    success_p,
    ttft_p50_ms: row.ttft_p50_ms,
    ttft_p95_ms: row.ttft_p95_ms,
    tokens_per_s: row.tokens_per_s,
    error_mix: {
      rate_limit: rateLimitShare,
      server: row.errors_server / counted,
      timeout: row.errors_timeout / counted,
      connection: row.errors_connection / counted,
    },
    samples: requests,
    last_ts: row.last_ts,
    down,
    ttft_p90_ms: row.ttft_p90_ms ?? null,
    cache_hit_rate: cacheHitRate(row, options.min_warm_attempts ?? 10),
    cached_ttft_p50_ms: row.cached_ttft_p50_ms ?? null,
    in_flight: row.in_flight ?? null,
  };
}

/** Share of warm-cache attempts that really read the cache; null on too few to say. */
function cacheHitRate(row: WindowStats, minimum: number): number | null {
  const attempts = row.warm_attempts ?? 0;
  if (attempts < Math.max(1, minimum)) return null;
  return Math.min(1, Math.max(0, row.warm_cache_hits ?? 0) / attempts);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return 1 - binomialLowerTail(k - 1, n, p);
}

/** P(X ≤ k) for X ~ Binomial(n, p); exact for the small n of a recent streak. */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  const trials = Math.round(n);
  const ratio = p / (1 - p);
  let pmf = Math.pow(1 - p, trials);
  let sum = pmf;
  for (let index = 0; index < Math.floor(k); index++) {
    pmf *= ((trials - index) / (index + 1)) * ratio;
    sum += pmf;
  }
  return Math.min(1, sum);
}
