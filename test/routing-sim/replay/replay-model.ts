// What a replay runs on: the logged requests as they arrived, and each channel × model's
// behaviour over time, rebuilt from its logged attempts (reconstruct.ts).
import type { ChannelScore, Protocol, TokenPrice } from '../../../worker/core/types';

/** One logged request (its first attempt), times relative to the window's start. */
export interface ReplayRequest {
  request_id: string;
  arrival_ms: number;
  model: string;
  input_tokens: number;
  output_tokens: number;
  stream: boolean;
  conversation: string | null;
  /** The conversation's previous turn's input: what a warm prompt cache can hold of this one. */
  prefix_tokens: number;
  /** The request itself was refused (a client error): it fails on any channel. */
  client_error: boolean;
}

export type FailureClass = 'connection' | 'timeout' | 'rate_limit' | 'server' | 'mid_stream';
export const FAILURE_CLASSES: readonly FailureClass[] = ['connection', 'timeout', 'rate_limit', 'server', 'mid_stream'];

/** A channel × model within one bucket: what it did (or, untried, last did). */
export interface BucketBehaviour {
  /** Attempts logged in this bucket (0: carried from an earlier or later bucket). */
  observed: number;
  /** Share of attempts that failed, per class (rate limits only where no capacity is known). */
  failure_share: Record<FailureClass, number>;
  /** Mean duration of a failed attempt, per class, ms. */
  failure_ms: Partial<Record<FailureClass, number>>;
  /** Observed TTFTs (ms) and generation speeds (tokens/s) to draw from. */
  ttft_samples: number[];
  tokens_per_s_samples: number[];
  /** Requests/s it accepted in a bucket where it also answered 429: its capacity then. */
  rate_limit_rps: number | null;
}

export interface ReplayChannel {
  channel_id: string;
  model: string;
  dialect: Protocol;
  /** What the channel charges, fitted from logged cost_usd. */
  cost: TokenPrice;
  /** One per bucket of the window, gaps filled. */
  buckets: BucketBehaviour[];
}

/** A channel that failed every attempt (connection or timeout) for a run of buckets. */
export interface DownPeriod {
  channel_id: string;
  start_s: number;
  end_s: number | null;
}

/** The logged outcome of the window, as the real router served it. */
export interface LoggedOutcome {
  successes: number;
  attempts: number;
  ttft_ms: number[];
  e2e_ms: number[];
  cost_usd: number;
  revenue_usd: number;
  /** Requests with a logged hedge, and what the cancelled attempts cost. */
  hedges: number;
  hedge_cost_usd: number;
  /** Successful turns after a conversation's first in the window, and those that read a warm cache. */
  turns: number;
  warm_turns: number;
  /** Channel of each request's first attempt, by request index. */
  first_channels: string[];
}

export interface ReplayModel {
  from: number;
  to: number;
  bucket_ms: number;
  requests: ReplayRequest[];
  channels: ReplayChannel[];
  /** What callers pay per model, fitted from logged price_usd. */
  prices: Map<string, TokenPrice>;
  down_periods: DownPeriod[];
  logged: LoggedOutcome;
  /** The score table the real router held when the window opened (empty without history). */
  initial_scores: ChannelScore[];
  /** Score versions pushed within the window (score_history). */
  score_versions: number;
}
