// The console's wire types: every /api/* request body and response of docs/console-api.md.
// Types only (no runtime code), so the front end imports this file directly. Shapes shared
// with the worker (log records, decisions, scores) are imported, never redeclared.
import type {
  ChannelScore,
  DecisionCandidate,
  DecisionRecord,
  ErrorClass,
  LogRecord,
} from '../../worker/core/types';

export type { ChannelScore, DecisionCandidate, DecisionRecord, ErrorClass, LogRecord };

/** Every error: `{"error": {"message", "code"?}}` with the HTTP status. */
export interface ApiError {
  error: { message: string; code?: string };
}

// ---- Sessions, invites

export type AdminScope = 'read-only' | 'operator' | 'owner';
export type Identity =
  | { kind: 'admin'; id: string; name: string; scope: AdminScope }
  | { kind: 'user'; user_id: string };

export interface Session {
  identity: Identity;
  /** Send as `x-csrf-token` on every POST / PATCH / PUT / DELETE. */
  csrf_token: string;
  /** Epoch ms. */
  expires_at: number;
}

export type SignInBody =
  | { kind: 'admin'; admin_key: string }
  | { kind: 'user'; user_id: string; password: string };

export interface InvitePreview {
  user_id: string;
  expires_at: number;
}
export interface InviteAcceptBody {
  password: string;
}
export interface InviteCreateBody {
  user_id: string;
}
export interface InviteCreated {
  token: string;
  /** `${origin}/invite/${token}`: shown once. */
  url: string;
  expires_at: number;
}

// ---- Operator: overview, incidents, channels

export interface OverviewPoint {
  /** Start of the minute, epoch ms. */
  at: number;
  requests: number;
  errors: number;
  cost_usd: number;
  revenue_usd: number;
  ttft_p50_ms: number | null;
}

export interface ChannelSparkline {
  channel_id: string;
  /** Attempts per minute over the window, oldest first (same minutes as `series`). */
  requests: number[];
  errors: number[];
}

export interface Overview {
  window_s: number;
  /** Epoch ms the numbers were computed at. */
  at: number;
  score_version: number;
  requests_per_s: number;
  error_pct: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  cost_per_min_usd: number;
  revenue_per_min_usd: number;
  margin_per_min_usd: number;
  /** Margin ÷ revenue × 100; null without revenue. */
  margin_pct: number | null;
  series: OverviewPoint[];
  channels: ChannelSparkline[];
}

export type IncidentKind = 'down' | 'recovered' | 'breaker_open' | 'score_drop';
export interface Incident {
  at: number;
  channel_id: string;
  kind: IncidentKind;
  detail: string;
}
export interface IncidentList {
  incidents: Incident[];
}

/** Normalised router components in [0, 1], higher is better (DecisionCandidate's). */
export type ScoreComponents = NonNullable<DecisionCandidate['components']>;

export type ChannelStatus = 'up' | 'degraded' | 'down' | 'idle';
export interface ChannelRow {
  channel_id: string;
  status: ChannelStatus;
  /** Why: `3 of the last 10 attempts failed`, `no traffic in the window`, … */
  reason: string;
  models: string[];
  /** The current score table's entries for this channel (one per model). */
  scores: ChannelScore[];
  /** Mean of the router's components for this channel over the decisions in the window; null without decisions. */
  components: ScoreComponents | null;
  /** Requests-weighted success probability of the current scores. */
  success_p: number | null;
  /** Share of all attempts in the window, and in the same window an hour ago (0–1). */
  traffic_share: number;
  traffic_share_hour_ago: number;
  requests: number;
  errors: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  ttft_p99_ms: number | null;
  tokens_per_s: number | null;
  error_classes: Partial<Record<ErrorClass, number>>;
}
export interface ChannelsReport {
  window_s: number;
  score_version: number;
  computed_at: number;
  channels: ChannelRow[];
}

export interface ChannelTimelinePoint {
  at: number;
  /** Mean success probability of the recomputes in the bucket (score_history); null when none. */
  success_p: number | null;
  ttft_p50_ms: number | null;
  tokens_per_s: number | null;
  down: boolean;
  traffic_share: number | null;
  requests: number;
  errors: Partial<Record<ErrorClass, number>>;
}
export interface ChannelTimeline {
  channel_id: string;
  from: number;
  to: number;
  bucket_ms: number;
  points: ChannelTimelinePoint[];
}

// ---- Operator: economics

export type EconomicsDimension = 'channel' | 'model' | 'user' | 'key';
/** Attempt-level sums: a failed attempt's cost counts for its channel, the charge for the channel that answered. */
export interface EconomicsRow {
  /** The channel, model, user or key id. */
  key: string;
  requests: number;
  revenue_usd: number;
  cost_usd: number;
  margin_usd: number;
  margin_pct: number | null;
  cached_input_tokens: number;
  /** What the cache reads saved the caller: cached tokens × (input price − cached price), from the catalog; null when the catalog was unavailable. */
  cache_savings_usd: number | null;
}
export interface EconomicsReport {
  from: number;
  to: number;
  by: EconomicsDimension;
  groups: EconomicsRow[];
  totals: Omit<EconomicsRow, 'key'>;
}
export interface NegativeMarginRow {
  request_id: string;
  ts: number;
  user_id: string;
  key_id: string;
  model: string;
  channel_id: string;
  attempts: number;
  revenue_usd: number;
  cost_usd: number;
  margin_usd: number;
}
export interface NegativeMarginReport {
  rows: NegativeMarginRow[];
}

// ---- Operator: the attempt log, requests, explorer

/** One attempt: a LogRecord without the decision (see RequestDetail). */
export type LogRow = Omit<LogRecord, 'decision'>;
export interface LogTotals {
  attempts: number;
  /** Final attempts (requests answered). */
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  revenue_usd: number;
}
export interface LogPage {
  rows: LogRow[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  next_cursor: string | null;
  totals: LogTotals;
}
export interface LogTail {
  rows: LogRow[];
  /** Pass as `after` next time (unchanged when no rows). */
  cursor: string;
}
export interface HistogramBucket {
  at: number;
  attempts: number;
  errors: number;
}
export interface Histogram {
  from: number;
  to: number;
  bucket_ms: number;
  buckets: HistogramBucket[];
}
export interface RequestDetail {
  request_id: string;
  /** The retry chain, first attempt first. */
  attempts: LogRow[];
  decision: DecisionRecord | null;
}
export interface ExplorerRow {
  request_id: string;
  ts: number;
  user_id: string;
  key_id: string;
  model: string;
  mode: string;
  rule: DecisionRecord['rule'];
  /** plan[0]: the channel the first attempt went to. */
  winner: string | null;
  reason: string;
  total_candidates: number;
}
export interface ExplorerPage {
  rows: ExplorerRow[];
}

export type * from './api-types-user';
