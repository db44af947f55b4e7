// The routing contract: what the worker (and the routing simulator) hand the router, and
// what it hands back. The router is pure: no I/O, no clock (time comes in as `now`), no
// mutation of its inputs, randomness only through `random`.
import type { Candidate, ChannelScore, Protocol, RandomSource } from '../types';
import type { PlanRows } from './rows';

export type RoutingMode = 'economy' | 'balanced' | 'performance' | 'stability';

/** Relative importance of each objective component; any subset may be given. */
export interface RoutingWeights {
  margin?: number;
  ttft?: number;
  throughput?: number;
  reliability?: number;
}

/** OpenRouter's `provider` object, as a client may send it. Prices are USD per million tokens. */
export interface ProviderPreferences {
  order?: string[];
  only?: string[];
  ignore?: string[];
  allow_fallbacks?: boolean;
  sort?: 'price' | 'latency' | 'throughput';
  max_price?: { prompt?: number; completion?: number };
}

/** The effective policy for one request: config defaults ← group ← key ← request. */
export interface RoutingPolicy {
  mode: RoutingMode;
  weights?: RoutingWeights;
  max_attempts: number;
  max_ttft_ms?: number;
  provider?: ProviderPreferences;
  /** Softmax temperature override (operators only). */
  temperature?: number;
  /** Cap on the share of first choices spent exploring stale or thin channels (operators only). */
  exploration?: number;
  /**
   * Hedge the first attempt (start the next one when it has produced no token by its p90
   * TTFT). Absent: on in `performance` mode, off otherwise. Always within the hedge budget.
   */
  hedge?: boolean;
}

/**
 * What the isolate knows about the conversation a request continues (issue 14): the router
 * credits the channel whose prompt cache is still warm with the expected discount and the
 * cache-read speed-up, and moves only when another channel's advantage is larger.
 */
export interface ConversationContext {
  /** The conversation key (LogRecord.conversation). */
  key: string;
  /** The channel that served its latest turn, and when (epoch ms); null for a new conversation. */
  last_channel_id: string | null;
  last_served_at: number | null;
  /** Input tokens of the stable prefix: what a warm cache on that channel would serve. */
  prefix_tokens: number;
  /**
   * 1-based index of this request's turn: the user turns in its history (the simulator: the
   * scenario's turn index + 1). Absent: unknown, a constant horizon of later turns is assumed.
   */
  turn?: number;
}

/** What the router knows about the request itself. */
export interface RequestProfile {
  /** Catalog models in preference order: the requested one first, then `models` fallbacks. */
  models: string[];
  input_tokens: number;
  output_tokens: number;
  /** Capabilities the request needs (tools, vision, json_mode). */
  capabilities: string[];
  /**
   * The dialect whose opaque reasoning state the history carries (InboundRequest.bound_dialect).
   * A hard constraint when some candidate of that dialect passes every other constraint;
   * ignored when none does (the protocol layer strips the state for other dialects).
   */
  bound_dialect?: Protocol | null;
}

/** Whether the request's reasoning-state binding narrowed the candidates (see constraints.ts). */
export interface Binding {
  dialect: Protocol;
  /** False: no usable channel of that dialect, so nothing was filtered. */
  applied: boolean;
}

/** Circuit breaker state of a channel as the isolate sees it right now. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** The isolate's own, immediate view of a channel. */
export interface LiveChannelSignals {
  in_flight: number;
  breaker: BreakerState;
  /** Failures in the last few seconds. */
  recent_failures: number;
  /** Successes in the same last few seconds (absent: unknown, treated as none). */
  recent_successes?: number;
  /** Successes since this isolate last saw the channel fail (absent: unknown). */
  success_streak?: number;
  /**
   * How long (ms) attempts have been waiting for a first byte with no answer at all from the
   * channel: a hang shows here long before any timeout. 0 or absent: nothing stalled.
   */
  stalled_ms?: number;
}

export interface PlanInput {
  /** Every channel × model that could serve one of profile.models (any order). */
  candidates: Candidate[];
  /**
   * Pushed scores keyed by `${channel_id}\u0000${model}` (see scoreKey). A ScoreIndex
   * (score-index.ts) is found without building keys: pass one on hot paths.
   */
  scores: ReadonlyMap<string, ChannelScore>;
  live: ReadonlyMap<string, LiveChannelSignals>; // by channel_id
  policy: RoutingPolicy;
  profile: RequestProfile;
  now: number;
  random: RandomSource;
  /** The conversation this request continues, when it has one (absent: no affinity term). */
  conversation?: ConversationContext;
  /**
   * Keep every candidate's explanation (the debug header, the admin endpoint, tests). Without
   * it the plan keeps only the decision record's candidates (the 16 most probable, then
   * rejected ones while there is room): the rest would be garbage on every request.
   */
  explain?: boolean;
}

/** Why a candidate got its place, for the debug header and admin endpoint. */
export interface CandidateExplanation {
  channel_id: string;
  model: string;
  /** Normalised components in [0, 1] (higher is better) and the weighted utility. */
  components: Record<string, number>;
  utility: number;
  /** Probability this candidate had of being chosen first. */
  probability: number;
  /** Set when a hard constraint removed it (e.g. `provider.ignore`, `context_length`). */
  rejected?: string;
}

/** How the plan was made, for the debug header. */
export interface PlanSummary {
  mode: RoutingMode;
  /** Weights after overrides, divided by their sum. */
  weights: Required<RoutingWeights>;
  temperature: number;
  /** Share of first choices given to stale or thin channels for this request. */
  exploration: number;
  /** How the first attempt was chosen: softmax sample, provider.order, provider.sort. */
  rule: 'sample' | 'order' | 'sort' | 'none';
  /** The model whose channels competed for the first attempt (null: nothing usable). */
  first_model: string | null;
  /** The OpenRouter `provider.sort` key, when rule is 'sort'. */
  sort?: 'price' | 'latency' | 'throughput';
  /** Set when the request was bound to a dialect by reasoning state in its history. */
  binding?: Binding;
}

export interface Plan {
  /**
   * Ordered attempt list, at most policy.max_attempts long, each channel at most once per
   * model; the worker tries them in order. Empty when every candidate broke a constraint.
   */
  attempts: Candidate[];
  /**
   * One entry per input candidate with input.explain, else per candidate the decision record
   * keeps; in input order (computed on first read).
   */
  explanation: CandidateExplanation[];
  summary?: PlanSummary;
  /** What the explanation and the decision record (decision.ts) are built from. */
  rows?: PlanRows;
}

export function scoreKey(channel_id: string, model: string): string {
  return `${channel_id}\u0000${model}`;
}
