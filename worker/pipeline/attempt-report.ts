// What one attempt did, as data: the attempt functions (attempt.ts) return a report, and
// everything derived from it is a pure function here: the log record, the charge, the live
// signal's outcome. Named fields, so no two adjacent numbers can be swapped unnoticed.
import type { Candidate, DecisionRecord, ErrorClass, LogRecord, Protocol, Usage } from '../core/types';
import type { KeyContext } from '../auth/key-context';
import type { AttemptOutcome } from '../signals/live-signals';
import type { InboundRequest } from '../protocols/types';
import type { ConversationContext } from '../core/routing/types';
import { isWarm } from '../core/routing/affinity';
import { EMPTY_USAGE, estimateTokensFromText, usageCost, usageOf } from '../core/metering';

export interface AttemptReport {
  candidate: Candidate;
  /** 1-based; a channel skipped before any call is not an attempt. */
  attempt: number;
  started_at: number;
  ended_at: number;
  /** The upstream's HTTP status; 0 when no response arrived. */
  status: number;
  /** 'none' for an answer; 'cancelled' when the client left a stream. */
  error_class: ErrorClass;
  /** Short, credential-free; '' on success. */
  error_message: string;
  /** Time to the first token; null when none arrived. */
  ttft_ms: number | null;
  usage: Usage;
  /** The upstream reported no usage: the tokens are the documented estimate. */
  usage_estimated: boolean;
  /** This attempt's result went to the client. */
  final: boolean;
  /** A stream whose first token the live signals already counted (LiveSignals.firstByte). */
  after_first_byte: boolean;
  /** Hedging: the attempt that was hedged, or the extra one (hedging.ts); absent when not hedged. */
  hedge?: 'primary' | 'hedge';
  /** Lost a hedge race and was cancelled: costed to us, never charged to the caller. */
  hedge_lost?: boolean;
}

/** The request-level fields of a log record: the same for every attempt of a request. */
export interface LogContext {
  request_id: string;
  auth: Pick<KeyContext, 'key_id' | 'user_id' | 'group_id'>;
  client_protocol: Protocol;
  stream: boolean;
  /** How the router chose (core/routing/decision.ts); logged on the first attempt's record only. */
  decision?: DecisionRecord;
  /** The conversation the request continues (prompt-cache affinity); absent or null when none. */
  conversation?: ConversationContext | null;
}

/** Longest error message a log record keeps. */
const MAX_ERROR_MESSAGE = 300;

export function logRecordOf(report: AttemptReport, context: LogContext): LogRecord {
  const { candidate, usage } = report;
  return {
    request_id: context.request_id,
    attempt: report.attempt,
    ts_start: report.started_at,
    ts_end: report.ended_at,
    key_id: context.auth.key_id,
    user_id: context.auth.user_id,
    group_id: context.auth.group_id,
    model: candidate.model,
    channel_id: candidate.channel_id,
    upstream_model: candidate.upstream_model,
    client_protocol: context.client_protocol,
    dialect: candidate.dialect,
    stream: context.stream,
    status: report.status,
    error_class: report.error_class,
    error_message: report.error_message.slice(0, MAX_ERROR_MESSAGE),
    ttft_ms: report.ttft_ms,
    duration_ms: report.ended_at - report.started_at,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cached_input_tokens: usage.cached_input_tokens,
    cache_write_tokens: usage.cache_write_tokens,
    cache_write_1h_tokens: usage.cache_write_1h_tokens,
    reasoning_tokens: usage.reasoning_tokens,
    usage_estimated: report.usage_estimated,
    cost_usd: usageCost(usage, candidate.cost),
    price_usd: chargeOf(report),
    final: report.final,
    conversation: context.conversation?.key ?? null,
    // What the router expected of this channel's cache when the attempt started.
    cache_state: context.conversation ? (isWarm(candidate, context.conversation, report.started_at) ? 'warm' : 'cold') : null,
    hedge: report.hedge ?? null,
    // Once per request: later attempts of the same request add nothing to it.
    ...(report.attempt === 1 && context.decision !== undefined ? { decision: context.decision } : {}),
  };
}

/**
 * What the caller pays for the attempt, USD: an answer, or a stream the client left (charged
 * for what was generated). A failed or broken attempt is not charged.
 */
export function chargeOf(report: AttemptReport): number {
  if (report.hedge_lost === true) return 0;
  const charged = report.error_class === 'none' || report.error_class === 'cancelled';
  return charged ? usageCost(report.usage, report.candidate.price) : 0;
}

/** The outcome the isolate's live signals hear. A stream's success was counted at its first token. */
export function liveOutcomeOf(report: AttemptReport): AttemptOutcome {
  const ok = report.error_class === 'none';
  const outcome: AttemptOutcome = ok ? { ok: true } : { ok: false, error_class: report.error_class };
  if (report.after_first_byte) outcome.after_first_byte = true;
  return outcome;
}

/** Usage as reported, or the documented estimate (about four characters a token) when the upstream reported none. */
export function meter(reported: Usage | null, inbound: InboundRequest, outputCharacters: number): { usage: Usage; estimated: boolean } {
  if (reported) return { usage: reported, estimated: false };
  return {
    usage: usageOf({
      input_tokens: inbound.input_tokens_estimate,
      output_tokens: outputCharacters > 0 ? estimateTokensFromText(outputCharacters) : 0,
    }),
    estimated: true,
  };
}

/** A report for an attempt that failed before any answer: nothing generated, nothing charged. */
export function failedReport(
  fields: Pick<AttemptReport, 'candidate' | 'attempt' | 'started_at' | 'ended_at' | 'status' | 'error_class' | 'error_message'>,
): AttemptReport {
  return {
    ...fields,
    ttft_ms: null,
    usage: EMPTY_USAGE,
    usage_estimated: false,
    // A client error goes back to the caller as it is: no other channel is tried.
    final: fields.error_class === 'client',
    after_first_byte: false,
  };
}
