// Types shared by the worker, the analytics node, the upstream simulator and the routing
// simulator. Pure data only: nothing here may import from Workers or Node APIs.

/** The wire formats Switchboard speaks, as a client format and as an upstream dialect. */
export type Protocol = 'openai' | 'openai-responses' | 'anthropic' | 'gemini';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

/** Dollars per million tokens. */
export interface TokenPrice {
  input_per_mtok: number;
  output_per_mtok: number;
  /** Cache reads. Defaults to input_per_mtok when absent. */
  cached_input_per_mtok?: number;
  /** Cache writes with the default (5-minute) lifetime. Defaults to input_per_mtok when absent. */
  cache_write_per_mtok?: number;
  /** Cache writes with a 1-hour lifetime (Anthropic). Defaults to cache_write_per_mtok, then input_per_mtok. */
  cache_write_1h_per_mtok?: number;
}

/**
 * Tokens of one answer. `input_tokens` counts every input token: uncached, cache reads and
 * cache writes alike (OpenAI's convention); the cache counts are subsets of it and never
 * overlap, so uncached = input − cached − writes ≥ 0.
 */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  /** Input tokens served from a prompt cache (a subset of input_tokens). */
  cached_input_tokens: number;
  /** Input tokens written to a prompt cache with the default (5-minute) lifetime (a subset of input_tokens). */
  cache_write_tokens: number;
  /** Input tokens written to a prompt cache with a 1-hour lifetime (a subset of input_tokens). */
  cache_write_1h_tokens: number;
  /** Output tokens spent on reasoning (a subset of output_tokens). */
  reasoning_tokens: number;
}

/** One channel able to serve one catalog model: everything static the router knows. */
export interface Candidate {
  channel_id: string;
  dialect: Protocol;
  base_url: string;
  /** Catalog model id (after alias resolution). */
  model: string;
  upstream_model: string;
  /** What the channel charges us. */
  cost: TokenPrice;
  /** What we charge the caller (model price × group multiplier). */
  price: TokenPrice;
  priority: number;
  weight: number;
  max_concurrency: number | null;
  capabilities: string[];
  context_length: number | null;
  /**
   * How long the channel's prompt cache keeps a prefix warm, seconds. Null or absent: the
   * dialect's default (worker/core/routing/affinity.ts).
   */
  cache_ttl_s?: number | null;
}

/**
 * Failure classes of one upstream attempt. `none` is success. Retryable before the first
 * byte: connection, timeout, rate_limit, server. Never retried: client.
 */
export type ErrorClass =
  | 'none'
  | 'connection'
  | 'timeout'
  | 'rate_limit'
  | 'server'
  | 'client'
  | 'mid_stream'
  | 'cancelled';

/** One record per upstream attempt; idempotent on (request_id, attempt). */
export interface LogRecord {
  request_id: string;
  attempt: number; // 1-based
  ts_start: number; // epoch ms
  ts_end: number; // epoch ms
  key_id: string;
  user_id: string;
  group_id: string;
  model: string; // catalog model
  channel_id: string;
  upstream_model: string;
  client_protocol: Protocol;
  dialect: Protocol;
  stream: boolean;
  /** HTTP status from the upstream; 0 when no response arrived. */
  status: number;
  error_class: ErrorClass;
  /** Short, credential-free description of the failure; '' on success. */
  error_message: string;
  /** Time to first token (first content byte) in ms; null when none arrived. */
  ttft_ms: number | null;
  duration_ms: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  /** True when the upstream reported no usage and the tokens were estimated. */
  usage_estimated: boolean;
  /** What the channel charges us for this attempt, USD. */
  cost_usd: number;
  /** What we charge the caller for this attempt, USD (0 for failed attempts). */
  price_usd: number;
  /** True for the attempt whose result went to the client. */
  final: boolean;
  /** How the router chose, on the first attempt's record only (absent on later attempts and from older workers). */
  decision?: DecisionRecord;
  /**
   * The conversation this request continues: hex of a hash of its stable prompt prefix, or of
   * the client's own session id. Null or absent when the request has no usable prefix.
   */
  conversation?: string | null;
  /**
   * What the router expected of this channel's prompt cache: 'warm' when the conversation was
   * served by this channel within its cache lifetime, 'cold' otherwise. Null without a conversation.
   */
  cache_state?: 'warm' | 'cold' | null;
  /** Hedging: 'primary' on the attempt that was hedged, 'hedge' on the extra attempt; null or absent when not hedged. */
  hedge?: 'primary' | 'hedge' | null;
}

/** One candidate as the router saw it when it planned a request. */
export interface DecisionCandidate {
  channel_id: string;
  model: string;
  /** Normalised components in [0, 1], higher is better; absent for a candidate a hard constraint removed (one placed last as `down` keeps them). */
  components?: {
    margin: number;
    ttft: number;
    throughput: number;
    reliability: number;
    load: number;
    /** A conversation's request only: what the prompt-cache terms add to the utility (issue 14; the explanation's `aff=`). */
    affinity?: number;
  };
  utility: number;
  /** Probability of being chosen first. */
  probability: number;
  /** The hard constraint that removed it (`provider.ignore`, `context_length`, `down`, …). */
  rejected?: string;
}

/**
 * The router's decision for one request, persisted by the analytics node (`decisions` table)
 * for the routing explorer: the candidates with their components and probabilities (the
 * most probable first, at most 16; `total_candidates` says how many there were), the
 * channel each attempt was planned on, and why the first one won.
 */
export interface DecisionRecord {
  mode: string;
  rule: 'sample' | 'order' | 'sort' | 'none';
  temperature: number;
  exploration: number;
  weights: { margin: number; ttft: number; throughput: number; reliability: number };
  score_version: number;
  total_candidates: number;
  candidates: DecisionCandidate[];
  /** Channel ids in plan order (the attempts that may follow). */
  plan: string[];
  /** One line: why the first attempt's channel won (`sampled p=.62, highest utility .81` …). */
  reason: string;
}

/**
 * Per channel × model statistics over a recent window, as aggregated by the analytics node
 * (SQL) or the routing simulator (in memory). Input of computeScores.
 */
export interface WindowStats {
  channel_id: string;
  model: string;
  requests: number;
  successes: number;
  errors_rate_limit: number;
  errors_server: number;
  errors_timeout: number;
  errors_connection: number;
  errors_other: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  /** TTFT p90 (the hedging trigger); absent from older nodes. */
  ttft_p90_ms?: number | null;
  /** Output tokens per second of generation (after the first token), median-ish. */
  tokens_per_s: number | null;
  /** Epoch ms of the newest record in the window. */
  last_ts: number;
  /** Failures among the newest few attempts (most recent streak), for fast outage detection. */
  recent_failures: number;
  /** How many of the newest attempts recent_failures counts over. */
  recent_attempts: number;
  /** How many of the newest attempts failed in a row (0 when the newest succeeded). */
  failure_streak?: number;
  /** Attempts the router sent expecting a warm prompt cache (cache_state 'warm')… */
  warm_attempts?: number;
  /** …and how many of them read cached input tokens. */
  warm_cache_hits?: number;
  /** Median TTFT of successful attempts that read cached input tokens. */
  cached_ttft_p50_ms?: number | null;
  /** Cluster-wide mean concurrency over the last seconds of the window (Σ attempt time in that span / span). */
  in_flight?: number | null;
}

/** One row of the scoring table pushed to the worker. */
export interface ChannelScore {
  channel_id: string;
  model: string;
  /** Smoothed probability that an attempt succeeds (0–1). */
  success_p: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  /** TTFT p90: a hedge starts when the first channel has produced no token by then. */
  ttft_p90_ms?: number | null;
  tokens_per_s: number | null;
  /** Share of failures that were 429s, 5xx, timeouts, connection errors. */
  error_mix: { rate_limit: number; server: number; timeout: number; connection: number };
  /** Requests in the window the numbers rest on. */
  samples: number;
  /** Epoch ms of the newest data point. */
  last_ts: number;
  /** The analytics node's verdict that the channel is failing hard right now. */
  down: boolean;
  /** Learned from the log: share of warm-cache attempts that really read the cache (null: too few samples). */
  cache_hit_rate?: number | null;
  /** Learned from the log: TTFT p50 of attempts that read cached input. */
  cached_ttft_p50_ms?: number | null;
  /** Cluster-wide concurrency on this channel × model, all isolates together (Little's law over the log). */
  in_flight?: number | null;
}

export interface ScoreTable {
  version: number;
  computed_at: number; // epoch ms
  window_s: number;
  entries: ChannelScore[];
}

/** A source of uniform random numbers in [0, 1); injected so routing is testable. */
export type RandomSource = () => number;
