// The four routing modes as weight presets, and the router's tuning constants. Weights are
// relative (the router divides by their sum); a request's `route.weights` replaces the
// preset's value for each weight it names.
import type { RoutingMode, RoutingWeights } from './types';

export type ResolvedWeights = Required<RoutingWeights>;

export interface ModePreset {
  weights: ResolvedWeights;
  /** Softmax temperature on the utility scale (utility lies in [0, 1]). */
  temperature: number;
}

export const MODE_PRESETS: Readonly<Record<RoutingMode, ModePreset>> = {
  economy: {
    weights: { margin: 0.6, ttft: 0.05, throughput: 0.05, reliability: 0.3 },
    temperature: 0.03,
  },
  balanced: {
    weights: { margin: 0.3, ttft: 0.3, throughput: 0.15, reliability: 0.25 },
    temperature: 0.03,
  },
  performance: {
    weights: { margin: 0.05, ttft: 0.55, throughput: 0.2, reliability: 0.2 },
    temperature: 0.025,
  },
  stability: {
    weights: { margin: 0.15, ttft: 0.15, throughput: 0.1, reliability: 0.6 },
    temperature: 0.04,
  },
};

export const ROUTING_CONSTANTS = {
  /** Default share of first choices that may go to stale or thin channels. */
  exploration_cap: 0.05,
  /** Exploration share per explorable channel, before the cap. */
  exploration_per_channel: 0.02,
  /** Share of first choices a half-open breaker asks for, to get its probe out promptly. */
  probe_share: 0.1,
  /** After the push said down, each success this isolate saw since asks for this share… */
  recovery_share_per_success: 0.1,
  /** …up to this cap, until a push shows the recovery. */
  recovery_share_cap: 0.5,
  /** A pushed success_p under this (or a down verdict) makes an isolate's success streak a recovery. */
  recovering_below: 0.8,
  /** A channel reported down whose newest data is older than this (ms) is probed again… */
  down_probe_after_ms: 10_000,
  /** …with this share of first choices, until fresh data says down or up. */
  down_probe_share: 0.02,
  /** Total share of first choices probes and recoveries may take. */
  probe_total_cap: 0.5,
  /** A channel whose attempts wait this long past max(stall_min_ms, factor × TTFT p95) for a first byte counts as down. */
  stall_min_ms: 2_000,
  stall_ttft_factor: 3,
  /** Scores older than this are stale (ms). */
  stale_ms: 60_000,
  /** Scores resting on fewer requests than this are thin. */
  thin_samples: 20,
  /** Success probability assumed for a channel with no score at all (pessimistic: unknown channels earn traffic through exploration). */
  prior_success: 0.9,
  /** How many attempts' worth of weight the pushed score has against the isolate's own counts. */
  score_strength: 20,
  /** Failure-probability difference that costs 1 − 1/e of the reliability component. */
  failure_scale: 0.05,
  /** Offsets that keep tiny absolute differences from looking like big ratios. */
  ttft_offset_ms: 100,
  generation_offset_s: 0.25,
  /** Fallbacks when no channel of the model has the number. */
  default_ttft_ms: 1000,
  default_tokens_per_s: 50,
  /** Capacity assumed for the load penalty when the channel has no max_concurrency. */
  default_capacity: 100,
  /** Cluster-wide utilisation (pushed in_flight / max_concurrency) under which the cluster adds no load. */
  cluster_load_knee: 0.6,
  /** Load penalty: linear and quadratic coefficients on utilisation (in flight / capacity). */
  load_linear: 0,
  load_quadratic: 0.5,
  /** Utility per priority level below the highest priority among the model's channels. */
  priority_step: 0.05,
} as const;
